import type { ReceiverOptions, WebhookVerificationError } from '@hookguard/core'
import type { Context } from 'hono'

/**
 * Options of `webhook()`: everything core's receiver takes (the `verify` options, `maxBodyBytes`
 * and the processing options) plus Hono's own `onError`.
 *
 * @example
 * const options: HonoWebhookOptions = { secret: [newSecret, oldSecret], maxBodyBytes: 256 * 1024 }
 */
export interface HonoWebhookOptions extends ReceiverOptions {
  /**
   * Answers a rejected webhook yourself (log it, change the body); default
   * `c.json({ error, code }, error.status)`.
   */
  onError?: (error: WebhookVerificationError, c: Context) => Response | Promise<Response>
}

/** Validates the Hono-only options; core's `createReceiver` checks the rest. */
export function checkHonoOptions(options: HonoWebhookOptions): void {
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('onError must be a function (error, c) => Response')
  }
}
