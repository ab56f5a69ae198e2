import { WebhookVerificationError } from '../errors.js'
import type { HeaderGetter } from '../headers.js'

/**
 * A header's value, or `MISSING_HEADER` naming it as the sender spells it.
 *
 * @example
 * const signature = requiredHeader(header, 'x-acme-signature', 'X-Acme-Signature')
 */
export function requiredHeader(header: HeaderGetter, name: string, display: string): string {
  const value = header(name)
  if (value === undefined) {
    throw new WebhookVerificationError('MISSING_HEADER', `Missing ${display} header`)
  }
  return value
}

/**
 * `INVALID_SIGNATURE` with a message, for `read` to throw: a malformed header is reported like a
 * mismatch.
 *
 * @example
 * if (!text.startsWith('sha256=')) throw invalidSignature('X-Acme-Signature must start with sha256=')
 */
export function invalidSignature(message: string): WebhookVerificationError {
  return new WebhookVerificationError('INVALID_SIGNATURE', message)
}

/** The most entries one signature header may carry; a sender rotating secrets sends two or three. */
export const MAX_SIGNATURE_ENTRIES = 32

/**
 * A signature header's entries split on `separator`, or `INVALID_SIGNATURE` past
 * `MAX_SIGNATURE_ENTRIES`: a header of thousands of entries (a server that raised Node's header
 * limit) would otherwise cost a decode and a compare each.
 *
 * @example
 * for (const entry of signatureEntries(text, ',', 'X-Acme-Signature')) { … }
 */
export function signatureEntries(text: string, separator: string, display: string): string[] {
  // One entry is what senders send; splitting it would only allocate.
  if (!text.includes(separator)) return [text]
  const entries = text.split(separator, MAX_SIGNATURE_ENTRIES + 1)
  if (entries.length > MAX_SIGNATURE_ENTRIES) {
    throw invalidSignature(`${display} has more than ${MAX_SIGNATURE_ENTRIES} entries`)
  }
  return entries
}

/**
 * A string (or finite number) property of a parsed body, as a string; for `eventId`/`eventType`.
 *
 * @example
 * eventId: (event) => stringField(event, 'event_id')
 */
export function stringField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const field = (value as Record<string, unknown>)[name]
  if (typeof field === 'string') return field === '' ? undefined : field
  return typeof field === 'number' && Number.isFinite(field) ? String(field) : undefined
}

/**
 * A nested object property of a parsed body, or `undefined`.
 *
 * @example
 * eventType: (event) => stringField(objectField(event, 'event'), 'type')
 */
export function objectField(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined
  const field = (value as Record<string, unknown>)[name]
  return typeof field === 'object' && field !== null ? field : undefined
}
