import { checkMaxBodyBytes } from './body.js'
import type { WebhookVerificationError } from './errors.js'
import type { HeadersInput } from './headers.js'
import { createProcessor, type ProcessorOptions } from './processor.js'
import type { Handlers } from './router.js'
import {
  checkVerifyOptions,
  type VerifiedWebhook,
  type VerifyOptions,
  verifyChecked,
} from './verify.js'

/**
 * Options every adapter takes: everything `verify` takes, the body limit, and, to have the
 * adapter answer and process events itself, `on` handlers with the processing options.
 */
export interface ReceiverOptions<E = unknown>
  extends VerifyOptions,
    Omit<ProcessorOptions<E>, 'on'> {
  /** Largest accepted body in bytes; default 1 MiB. Enforced while the body streams in. */
  maxBodyBytes?: number
  /** Handlers keyed by event type; without them the adapter only verifies and hands over. */
  on?: Handlers<E>
}

const PROCESSING_OPTIONS = [
  'store',
  'ack',
  'leaseMs',
  'retentionMs',
  'retry',
  'onDeadLetter',
  'idempotencyKey',
] as const

/** What the adapter should do with a request that passed verification. */
export type Outcome =
  /** No handlers configured: expose the event and hand over to the route's own handler. */
  | { action: 'next'; webhook: VerifiedWebhook }
  /** The receiver answers itself; after sending, start `background` (it never rejects). */
  | {
      action: 'respond'
      status: number
      body: unknown
      headers: Record<string, string>
      webhook: VerifiedWebhook | undefined
      background: (() => Promise<void>) | undefined
    }

/** The framework-independent half of every adapter. */
export interface Receiver {
  readonly maxBodyBytes: number
  /** Verify a raw body; rejects with `WebhookVerificationError` for the adapter to map. */
  receive(request: { payload: string | Uint8Array; headers: HeadersInput }): Promise<Outcome>
}

/** The response an adapter sends for a verification failure: `error.status` with `{ error, code }`. */
export function errorResponse(error: WebhookVerificationError): {
  status: number
  body: { error: string; code: string }
} {
  return { status: error.status, body: error.toJSON() }
}

/**
 * Builds the part of an adapter that does not depend on the framework.
 * Options are validated here, so a misconfigured adapter fails at start-up with a `TypeError`.
 *
 * @example
 * const receiver = createReceiver({ secret })
 * const outcome = await receiver.receive({ payload: rawBody, headers })
 */
export function createReceiver<E = unknown>(options: ReceiverOptions<E>): Receiver {
  const checked = checkVerifyOptions(options)
  const maxBodyBytes = checkMaxBodyBytes(options.maxBodyBytes)
  const { on } = options
  if (on === undefined) {
    const stray = PROCESSING_OPTIONS.filter((name) => options[name] !== undefined)
    if (stray.length > 0)
      throw new TypeError(`${stray.join(', ')} only apply together with on handlers`)
  }
  const processor = on === undefined ? undefined : createProcessor({ ...options, on })
  return {
    maxBodyBytes,
    async receive({ payload, headers }) {
      const webhook = await verifyChecked<E>(checked, payload, headers)
      // A sender's handshake (Slack's url_verification) is answered, never processed.
      const challenge = webhook.scheme.challenge?.(webhook.event)
      if (challenge !== undefined) {
        return {
          action: 'respond',
          status: 200,
          body: challenge,
          headers: {},
          webhook,
          background: undefined,
        }
      }
      return processor ? processor.handle(webhook, payload) : { action: 'next', webhook }
    },
  }
}
