import { hexDecodeSignature, hexEncode, utf8Encode } from '../encoding.js'
import type { HeaderGetter } from '../headers.js'
import { parseTimestamp } from '../timestamp.js'
import { malformed, requiredHeader } from './read.js'
import type { Scheme, SignedParts } from './types.js'

const TIMESTAMP = 'x-webhook-timestamp'
const SIGNATURE = 'x-webhook-signature'

/**
 * Parses `version=value` entries separated by commas and returns the decoded
 * values of `version`. Unknown versions are skipped; entries that are not hex
 * never match. A header with no entry of `version` at all is malformed. Like `Buffer.from`, the
 * values may be views into one shared `buffer`: copy one (`.slice()`) to keep its buffer apart.
 *
 * @example
 * parseVersionedHex('v0=ab,v1=cd', 'v1', 'X-Webhook-Signature') // [Uint8Array [0xcd]]
 */
export function parseVersionedHex(text: string, version: string, display: string): Uint8Array[] {
  const out: Uint8Array[] = []
  let seen = false
  // One entry is what senders send; splitting it would only allocate.
  for (const entry of text.includes(',') ? text.split(',') : [text]) {
    const eq = entry.indexOf('=')
    if (eq < 0 || entry.slice(0, eq).trim() !== version) continue
    seen = true
    const bytes = hexDecodeSignature(entry.slice(eq + 1).trim())
    if (bytes) out.push(bytes)
  }
  if (!seen) throw malformed(`${display} has no ${version} signature`)
  return out
}

/** Where a scheme of the `<version>=<hex>` kind with a separate timestamp header reads them. */
interface TimestampedHexHeaders {
  signature: string
  signatureDisplay: string
  timestamp: string
  timestampDisplay: string
  version: string
}

/**
 * Reads a timestamp header (whole seconds) and the `version` entries of a comma-separated
 * `version=hex` signature header: the layout hookguard's own scheme and Slack's share.
 *
 * @example
 * read: (header) => readTimestampedHex(header, { signature: 'x-acme-signature', signatureDisplay: 'X-Acme-Signature', timestamp: 'x-acme-timestamp', timestampDisplay: 'X-Acme-Timestamp', version: 'v1' })
 */
export function readTimestampedHex(
  header: HeaderGetter,
  names: TimestampedHexHeaders,
): SignedParts {
  const signature = requiredHeader(header, names.signature, names.signatureDisplay)
  const timestampText = requiredHeader(header, names.timestamp, names.timestampDisplay)
  const timestamp = parseTimestamp(timestampText, names.timestampDisplay)
  return {
    timestamp,
    timestampText,
    signatures: parseVersionedHex(signature, names.version, names.signatureDisplay),
  }
}

/**
 * The string secret as UTF-8 bytes, or the bytes as given: the key most HMAC senders use.
 *
 * @example
 * const scheme: Scheme = { ...hookguardScheme, name: 'mine', key: rawSecretKey }
 */
export const rawSecretKey = (secret: string | Uint8Array): Uint8Array =>
  typeof secret === 'string' ? utf8Encode(secret) : secret

/**
 * hookguard's own scheme (the default): `X-Webhook-Timestamp` in unix seconds and
 * `X-Webhook-Signature: v1=<hex HMAC-SHA256 of "${timestamp}.${body}">`.
 *
 * @example
 * await verify({ payload, headers, secret, scheme: hookguardScheme }) // same as no scheme
 */
export const hookguardScheme: Scheme = {
  name: 'hookguard',
  read: (header) =>
    readTimestampedHex(header, {
      signature: SIGNATURE,
      signatureDisplay: 'X-Webhook-Signature',
      timestamp: TIMESTAMP,
      timestampDisplay: 'X-Webhook-Timestamp',
      version: 'v1',
    }),
  content: (parts, body) => [`${parts.timestampText}.`, body],
  key: rawSecretKey,
  headers: ({ signature, timestamp }) => ({
    [TIMESTAMP]: String(timestamp),
    [SIGNATURE]: `v1=${hexEncode(signature)}`,
  }),
}
