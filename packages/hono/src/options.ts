import type { WebhookVerificationError } from '@hookguard/core'
import type { ReceiverOptions } from '@hookguard/core/adapter'
import type { Context } from 'hono'

/**
 * Options of `webhook()`: everything core's receiver takes (the `verify` options, `maxBodyBytes`
 * and the processing options) plus Hono's own `onError`.
 *
 * @example
 * const options: HonoWebhookOptions<OrderEvent> = {
 *   secret: [newSecret, oldSecret],
 *   on: { 'order.created': (event) => fulfil(event.data.object) },
 * }
 */
export interface HonoWebhookOptions<TEvent = unknown> extends ReceiverOptions<TEvent> {
  /**
   * Answers a rejected webhook yourself (log it, change the body); default
   * `c.json({ error, code }, error.status)`.
   */
  onError?: (error: WebhookVerificationError, c: Context) => Response | Promise<Response>
}

/** Validates the Hono-only options; core's `createReceiver` checks the rest. */
export function checkHonoOptions<TEvent>(options: HonoWebhookOptions<TEvent>): void {
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('onError must be a function (error, c) => Response')
  }
}
