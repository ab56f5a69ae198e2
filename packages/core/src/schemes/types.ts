import type { Chunk } from '../crypto/types.js'
import type { HeaderGetter } from '../headers.js'

/** What a scheme reads out of the request headers. */
export interface SignedParts {
  /** Unix seconds; when present, `verify` enforces the tolerance. */
  timestamp?: number
  /** The timestamp exactly as sent, for the signed content. */
  timestampText?: string
  /** A message id, when the scheme signs one. */
  id?: string
  /** Candidate signatures, already decoded; any match passes. */
  signatures: readonly Uint8Array[]
}

/** What `sign` hands a scheme to turn into headers. */
export interface SignatureInput {
  signature: Uint8Array
  timestamp: number
  id: string | undefined
}

/**
 * A signing scheme: where the signature lives, what is signed, how the secret
 * becomes a key, and where an event's id and type are found.
 *
 * @example
 * const scheme: Scheme = {
 *   name: 'acme',
 *   read(header) {
 *     const sig = header('x-acme-signature')
 *     if (!sig) throw new WebhookVerificationError('MISSING_HEADER', 'Missing X-Acme-Signature header')
 *     const bytes = hexDecode(sig)
 *     return { signatures: bytes ? [bytes] : [] }
 *   },
 *   content: (_parts, body) => [body],
 *   key: (secret) => (typeof secret === 'string' ? utf8Encode(secret) : secret),
 *   headers: ({ signature }) => ({ 'x-acme-signature': hexEncode(signature) }),
 * }
 */
export interface Scheme {
  readonly name: string
  /** Whether `sign` must produce a message id (generated when none is given). */
  readonly needsId?: boolean
  /**
   * Read the signature headers. Throws `WebhookVerificationError` with
   * `MISSING_HEADER`, `INVALID_SIGNATURE` or `INVALID_TIMESTAMP`.
   */
  read(header: HeaderGetter): SignedParts
  /** The bytes the HMAC covers, in order. */
  content(parts: SignedParts, body: Chunk): Chunk[]
  /** The HMAC key for one configured secret. Throws `TypeError` for a malformed secret. */
  key(secret: string | Uint8Array): Uint8Array
  /** The headers a sender attaches for a computed signature (lower-case names). */
  headers(input: SignatureInput): Record<string, string>
  /** Parse the verified body; the default is JSON. Throw anything for `INVALID_PAYLOAD`. */
  parse?(text: string, header: HeaderGetter): unknown
  /** The idempotency key; the default is the event's `id`. */
  eventId?(event: unknown, header: HeaderGetter, parts: SignedParts): string | undefined
  /** The routing type; the default is the event's `type`. */
  eventType?(event: unknown, header: HeaderGetter): string | undefined
}
