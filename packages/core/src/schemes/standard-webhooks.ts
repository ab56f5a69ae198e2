import { base64Decode, base64DecodeSignature, base64Encode } from '../encoding.js'
import type { HeaderGetter } from '../headers.js'
import { parseTimestamp } from '../timestamp.js'
import { invalidSignature, requiredHeader, signatureEntries } from './read.js'
import type { Scheme, SchemeKey } from './types.js'

// The names double as the display names in error messages: the senders spell them in lower case.
interface HeaderNames {
  id: string
  timestamp: string
  signature: string
}

const WEBHOOK: HeaderNames = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
}
const SVIX: HeaderNames = {
  id: 'svix-id',
  timestamp: 'svix-timestamp',
  signature: 'svix-signature',
}

const KEY_HELP =
  'Standard Webhooks secrets are base64, prefixed whsec_ (HMAC), whpk_ (Ed25519 public key) or ' +
  'whsk_ (Ed25519 signing key); pass a Uint8Array for raw HMAC key bytes'

function decodeKey(text: string, what: string): Uint8Array {
  const bytes = base64Decode(text)
  if (!bytes || bytes.byteLength === 0) throw new TypeError(`secret: invalid ${what}. ${KEY_HELP}`)
  return bytes
}

/**
 * The key for a Standard Webhooks secret. `whsec_<base64>` (or the base64 alone, as the
 * reference libraries accept) is an HMAC key; a `Uint8Array` is raw HMAC key bytes;
 * `whpk_<base64>` is a 32-byte Ed25519 public key (verify only); `whsk_<base64>` is an
 * Ed25519 signing key (sign only): the 32-byte seed, or seed and public key (64 bytes).
 *
 * @example
 * standardWebhooksKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') // 24 key bytes
 */
export function standardWebhooksKey(secret: string | Uint8Array): SchemeKey {
  if (typeof secret !== 'string') return secret
  if (secret.startsWith('whpk_')) {
    const key = decodeKey(secret.slice(5), 'whpk_ public key')
    if (key.byteLength !== 32) throw new TypeError('secret: a whpk_ key must be 32 bytes')
    return { type: 'ed25519-public', key }
  }
  if (secret.startsWith('whsk_')) {
    const key = decodeKey(secret.slice(5), 'whsk_ signing key')
    if (key.byteLength === 32) return { type: 'ed25519-private', key }
    if (key.byteLength === 64) {
      return { type: 'ed25519-private', key: key.subarray(0, 32), publicKey: key.subarray(32) }
    }
    throw new TypeError('secret: a whsk_ key must be 32 bytes (seed) or 64 (seed and public key)')
  }
  return decodeKey(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'secret')
}

/** Which header set a request uses: the scheme's own names first, the other set as a fallback. */
function headerSet(header: HeaderGetter, primary: HeaderNames, other: HeaderNames): HeaderNames {
  if (header(primary.signature) !== undefined) return primary
  return header(other.signature) !== undefined ? other : primary
}

function readSignatures(
  text: string,
  display: string,
): { signatures: Uint8Array[]; ed25519Signatures: Uint8Array[] } {
  const signatures: Uint8Array[] = []
  const ed25519Signatures: Uint8Array[] = []
  let seen = false
  for (const entry of signatureEntries(text, ' ', display)) {
    const comma = entry.indexOf(',')
    if (comma < 0) continue
    const version = entry.slice(0, comma)
    if (version !== 'v1' && version !== 'v1a') continue
    seen = true
    const bytes = base64DecodeSignature(entry.slice(comma + 1))
    // A value of the wrong length can never match: dropping it early keeps the loop small.
    if (version === 'v1' && bytes?.byteLength === 32) signatures.push(bytes)
    if (version === 'v1a' && bytes?.byteLength === 64) ed25519Signatures.push(bytes)
  }
  if (!seen) throw invalidSignature(`${display} has no v1 or v1a signature`)
  return { signatures, ed25519Signatures }
}

function createScheme(name: string, primary: HeaderNames, other: HeaderNames): Scheme {
  return {
    name,
    needsId: true,
    read(header) {
      const names = headerSet(header, primary, other)
      const signature = requiredHeader(header, names.signature, names.signature)
      const id = requiredHeader(header, names.id, names.id)
      const timestampText = requiredHeader(header, names.timestamp, names.timestamp)
      const timestamp = parseTimestamp(timestampText, names.timestamp)
      // The spec forbids `.` in ids: the signed content joins id, timestamp and body with dots.
      if (id.includes('.')) throw invalidSignature(`${names.id} must not contain "."`)
      const { signatures, ed25519Signatures } = readSignatures(signature, names.signature)
      return { id, timestamp, timestampText, signatures, ed25519Signatures }
    },
    content(parts, body) {
      const id = parts.id ?? ''
      if (id === '' || id.includes('.')) {
        throw new TypeError('id must be a non-empty string without "." for Standard Webhooks')
      }
      return [`${id}.${parts.timestampText}.`, body]
    },
    key: standardWebhooksKey,
    headers: ({ signature, algorithm, timestamp, id }) => ({
      [primary.id]: id ?? '',
      [primary.timestamp]: String(timestamp),
      [primary.signature]: `${algorithm === 'ed25519' ? 'v1a' : 'v1'},${base64Encode(signature)}`,
    }),
    eventId: (_event, _header, parts) => parts.id,
  }
}

/**
 * [Standard Webhooks](https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`
 * and `webhook-signature` (space-separated `v1,<base64 HMAC>` and `v1a,<base64 Ed25519>`
 * entries) over `${id}.${timestamp}.${body}`. Also reads Svix's `svix-*` headers. The
 * idempotency key is `webhook-id`; the type is the body's `type`.
 *
 * @example
 * await verify({ scheme: 'standard-webhooks', payload, headers, secret: 'whsec_…' })
 * await verify({ scheme: 'standard-webhooks', payload, headers, secret: ['whsec_…', 'whpk_…'] })
 */
export const standardWebhooksScheme: Scheme = createScheme('standard-webhooks', WEBHOOK, SVIX)

/**
 * Svix (and Clerk, Resend and others that send through Svix): Standard Webhooks with
 * `svix-id`, `svix-timestamp` and `svix-signature`. Verifies either header set; `sign`
 * writes the `svix-*` names.
 *
 * @example
 * await verify({ scheme: 'svix', payload, headers, secret: process.env.CLERK_WEBHOOK_SECRET })
 */
export const svixScheme: Scheme = createScheme('svix', SVIX, WEBHOOK)
