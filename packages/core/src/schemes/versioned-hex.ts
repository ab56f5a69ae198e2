import { hexDecodeSignature } from '../encoding.js'
import type { HeaderGetter } from '../headers.js'
import { parseTimestamp } from '../timestamp.js'
import { hmacSignature } from './define.js'
import { invalidSignature, requiredHeader, signatureEntries } from './read.js'
import type { SignedParts } from './types.js'

/**
 * Parses `version=value` entries separated by commas and returns the decoded HMAC-SHA256 values
 * of `version`. Unknown versions are skipped; entries that are not 32 bytes of hex never match.
 * A header with no entry of `version` at all is malformed. Like `Buffer.from`, the values may be
 * views into one shared `buffer`: copy one (`.slice()`) to keep its buffer apart.
 *
 * @example
 * parseVersionedHex(`v0=ab,v1=${'cd'.repeat(32)}`, 'v1', 'X-Webhook-Signature') // [Uint8Array(32)]
 */
export function parseVersionedHex(text: string, version: string, display: string): Uint8Array[] {
  const out: Uint8Array[] = []
  let seen = false
  for (const entry of signatureEntries(text, ',', display)) {
    const eq = entry.indexOf('=')
    if (eq < 0 || entry.slice(0, eq).trim() !== version) continue
    seen = true
    out.push(...hmacSignature(hexDecodeSignature(entry.slice(eq + 1).trim())))
  }
  if (!seen) throw invalidSignature(`${display} has no ${version} signature`)
  return out
}

/** Where a scheme of the `<version>=<hex>` kind with a separate timestamp header reads them. */
export interface TimestampedHexHeaders {
  /** The signature header's lower-case name. */
  signature: string
  /** The signature header as the sender spells it, for error messages. */
  signatureDisplay: string
  timestamp: string
  timestampDisplay: string
  /** The entry label that carries the HMAC, `v1` for `v1=<hex>`. */
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
