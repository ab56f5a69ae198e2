import type { WebhookVerificationError } from './errors.js'

// Registered, like the error class's brand, so a mark set by one build of core (ESM, CJS, node,
// web) is read by another.
const UNREAD = Symbol.for('hookguard.bodyLeftUnread')

/**
 * Marks a refusal answered before the request's body ended (the readers gave up on it at the body
 * deadline, or something else is still reading it). The connection cannot carry another request,
 * so the answer closes it: `errorResponse` adds `Connection: close` for a marked error, and
 * adapters send the headers it gives. A body cut past the drain bounds is not marked: the reader
 * destroys (cancels) the request a grace period after the answer instead (see `drain.ts`).
 */
export function leaveBodyUnread<E extends WebhookVerificationError>(error: E): E {
  Object.defineProperty(error, UNREAD, { value: true })
  return error
}

/** Whether `error` refused a body that had not ended when it was refused. */
export function leftBodyUnread(error: WebhookVerificationError): boolean {
  return UNREAD in error
}
