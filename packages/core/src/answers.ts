import type { WebhookVerificationError } from './errors.js'
import { leftBodyUnread } from './unread-body.js'

/**
 * Every domain status the processing layers return, and the one place that decides what the
 * sender is answered for it. Change "what a duplicate gets" here.
 */
const ANSWERS = {
  /** Claimed (`ack: 'before'`, to run next) or durably stored in the inbox. */
  accepted: { status: 200, code: 'RECEIVED', body: { received: true } },
  /** `ack: 'after'`: the handler ran and the claim is completed. */
  completed: { status: 200, code: 'RECEIVED', body: { received: true } },
  /** No handler matches the type: acknowledged, nothing runs. */
  ignored: { status: 200, code: 'IGNORED', body: { received: true } },
  /** Already completed (or stored in the inbox) with the same body. */
  duplicate: { status: 200, code: 'DUPLICATE', body: { received: true, duplicate: true } },
  /** Another delivery holds a live claim: its owner may have died, so never acknowledge it. */
  in_progress: {
    status: 409,
    code: 'IN_PROGRESS',
    body: { error: 'This event is being processed; retry later', code: 'IN_PROGRESS' },
  },
  mismatch: {
    status: 422,
    code: 'IDEMPOTENCY_MISMATCH',
    body: {
      error: 'This event id was already received with a different body',
      code: 'IDEMPOTENCY_MISMATCH',
    },
  },
  store_unavailable: {
    status: 503,
    code: 'STORE_UNAVAILABLE',
    body: { error: 'The idempotency store is unavailable; retry later', code: 'STORE_UNAVAILABLE' },
  },
  /** A bounded store holds only claims in progress (`maxEntries`): nothing was claimed. */
  store_full: {
    status: 503,
    code: 'STORE_FULL',
    body: {
      error: 'Too many events are in progress to remember another; retry later',
      code: 'STORE_FULL',
    },
  },
  /** `ack: 'before'` already runs `maxConcurrent` handlers: nothing was claimed. */
  busy: {
    status: 503,
    code: 'BUSY',
    body: { error: 'Too many events are being processed; retry later', code: 'BUSY' },
  },
  /** `ack: 'after'`: the handler threw; the claim is released for the sender's retry. */
  failed: {
    status: 500,
    code: 'HANDLER_FAILED',
    body: {
      error: 'The handler failed; the event will run again when the sender retries',
      code: 'HANDLER_FAILED',
    },
  },
  shutting_down: {
    status: 503,
    code: 'SHUTTING_DOWN',
    body: { error: 'This receiver is shutting down; retry later', code: 'SHUTTING_DOWN' },
  },
} as const

/** A status the table answers. */
export type AnswerStatus = keyof typeof ANSWERS

/** How long a sender should wait after a 503, in seconds. */
const UNAVAILABLE_RETRY_AFTER_S = 5

/** An HTTP answer: status, JSON body, headers and the stable code `onOutcome` reports. */
export interface Answer {
  status: number
  code: string
  body: unknown
  headers: Record<string, string>
}

// Each answer without a lease-derived Retry-After, built once: every accepted event gets the same
// object (frozen, headers included, so no caller can change it for the next one).
const PLAIN_ANSWERS = Object.fromEntries(
  Object.entries(ANSWERS).map(([status, { status: code, code: name, body }]) => {
    const headers: Record<string, string> =
      code === 503 ? { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) } : {}
    const answer: Answer = { status: code, code: name, body, headers: Object.freeze(headers) }
    return [status, Object.freeze(answer)]
  }),
) as Record<AnswerStatus, Answer>

/**
 * The answer for a domain status. `retryAfterMs` (what is left of another owner's lease, or of
 * the soonest claim in a full store) sets `Retry-After`; 503s always carry one.
 */
export function answerFor(status: AnswerStatus, retryAfterMs?: number): Answer {
  if (retryAfterMs === undefined) return PLAIN_ANSWERS[status]
  const { status: code, code: name, body } = ANSWERS[status]
  const headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }
  return { status: code, code: name, body, headers }
}

const CLOSE: Readonly<Record<string, string>> = Object.freeze({ connection: 'close' })
const NONE: Readonly<Record<string, string>> = Object.freeze({})

/**
 * The response an adapter sends for a verification failure: `error.status` with `{ error, code }`,
 * and the headers to send with it. When core refused the body before it ended (at the body
 * deadline, or while something else still reads it) the rest of it is still on the connection, so
 * `headers` is `Connection: close`; adapters set them before any `onError`, so a taken-over answer
 * closes too. (A body cut past the drain bounds is not marked: see `drain.ts`.)
 *
 * @example
 * const { status, body, headers } = errorResponse(error)
 * return Response.json(body, { status, headers })
 */
export function errorResponse(error: WebhookVerificationError): {
  status: number
  body: { error: string; code: string }
  headers: Readonly<Record<string, string>>
} {
  return {
    status: error.status,
    body: error.toJSON(),
    headers: leftBodyUnread(error) ? CLOSE : NONE,
  }
}
