import type { Chunk } from '../crypto/types.js'
import { utf8Encode } from '../encoding.js'
import type { Scheme } from './types.js'

/** The length of an HMAC-SHA256 digest: a candidate of any other length can never match. */
const HMAC_SHA256_BYTES = 32

/**
 * The string secret as UTF-8 bytes, or the bytes as given: the key most HMAC senders use, and
 * `defineScheme`'s default.
 *
 * @example
 * const scheme = defineScheme({ ...parts, key: rawSecretKey }) // the same as leaving key out
 */
export const rawSecretKey = (secret: string | Uint8Array): Uint8Array =>
  typeof secret === 'string' ? utf8Encode(secret) : secret

/**
 * The body alone, the signed content of senders that sign no timestamp or id; `defineScheme`'s
 * default.
 *
 * @example
 * signBodyOnly({ signatures: [] }, '{"id":"1"}') // ['{"id":"1"}']
 */
export const signBodyOnly = (_parts: unknown, body: Chunk): Chunk[] => [body]

/**
 * A decoded signature as the candidate list `read` returns: the value when it has the length of an
 * HMAC-SHA256 digest (or `length`: 20 for HMAC-SHA1, 64 for Ed25519), else none (an undecodable or wrong-length value is never a match).
 *
 * @example
 * read: (header) => ({ signatures: hmacSignature(hexDecode(requiredHeader(header, 'x-acme-signature', 'X-Acme-Signature'))) })
 */
export function hmacSignature(
  bytes: Uint8Array | undefined,
  length: number = HMAC_SHA256_BYTES,
): Uint8Array[] {
  return bytes?.byteLength === length ? [bytes] : []
}

/** A `Scheme` whose `key` and `content` may be left out. */
export type SchemeDefinition = Omit<Scheme, 'key' | 'content'> &
  Partial<Pick<Scheme, 'key' | 'content'>>

/**
 * Builds a `Scheme` with the defaults most HMAC senders share: the secret as given is the key
 * (`rawSecretKey`) and the body alone is signed (`signBodyOnly`). Pass `key` or `content` to differ.
 *
 * @example
 * // Acme sends `X-Acme-Signature: <hex HMAC-SHA256 of the body>` and `X-Acme-Delivery`.
 * const acme = defineScheme({
 *   name: 'acme',
 *   read: (header) => ({
 *     signatures: hmacSignature(hexDecode(requiredHeader(header, 'x-acme-signature', 'X-Acme-Signature'))),
 *   }),
 *   headers: ({ signature }) => ({ 'x-acme-signature': hexEncode(signature) }),
 *   eventId: (_event, header) => header('x-acme-delivery'),
 * })
 */
export function defineScheme(definition: SchemeDefinition): Scheme {
  return { key: rawSecretKey, content: signBodyOnly, ...definition }
}
