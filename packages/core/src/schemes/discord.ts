import { hexDecode, hexDecodeSignature, hexEncode } from '../encoding.js'
import { parseTimestamp } from '../timestamp.js'
import { defineScheme, hmacSignature } from './define.js'
import { objectField, requiredHeader, stringField } from './read.js'
import type { SchemeKey } from './types.js'

const SIGNATURE = 'x-signature-ed25519'
const TIMESTAMP = 'x-signature-timestamp'
const ED25519_SIGNATURE_BYTES = 64

const INTERACTION_TYPES: Record<number, string> = {
  1: 'ping',
  2: 'application_command',
  3: 'message_component',
  4: 'application_command_autocomplete',
  5: 'modal_submit',
}

/**
 * The key for a Discord secret: the application's public key as the Developer Portal shows it
 * (64 hex digits) verifies; a 128-hex-digit NaCl secret key (seed, then public key) signs, for
 * tests. A `Uint8Array` is the raw 32-byte public key.
 *
 * @example
 * discordKey(process.env.DISCORD_PUBLIC_KEY!) // { type: 'ed25519-public', key: Uint8Array(32) }
 */
export function discordKey(secret: string | Uint8Array): SchemeKey {
  if (typeof secret !== 'string') return { type: 'ed25519-public', key: secret }
  const bytes = hexDecode(secret.trim().toLowerCase())
  if (bytes?.byteLength === 32) return { type: 'ed25519-public', key: bytes }
  if (bytes?.byteLength === 64) {
    return { type: 'ed25519-private', key: bytes.subarray(0, 32), publicKey: bytes.subarray(32) }
  }
  throw new TypeError(
    "secret: a Discord public key is 64 hex digits (the application's PUBLIC KEY in the Developer Portal)",
  )
}

/**
 * Discord interactions: `X-Signature-Ed25519` (hex Ed25519 signature) over
 * `${X-Signature-Timestamp}${body}`, checked with the application's public key. The `PING`
 * Discord sends to check the endpoint (`{"type":1}`) is answered `{"type":1}` and never reaches
 * handlers. The id is the interaction's `id`; the type is the interaction type's name
 * (`application_command`, plus `.` and the command name: `application_command.ban`).
 *
 * @example
 * app.post('/discord', webhook({ scheme: 'discord', secret: process.env.DISCORD_PUBLIC_KEY! }))
 */
export const discordScheme = defineScheme({
  name: 'discord',
  read(header) {
    const signature = requiredHeader(header, SIGNATURE, 'X-Signature-Ed25519')
    const timestampText = requiredHeader(header, TIMESTAMP, 'X-Signature-Timestamp')
    const timestamp = parseTimestamp(timestampText, 'X-Signature-Timestamp')
    const bytes = hexDecodeSignature(signature.toLowerCase())
    return {
      timestamp,
      timestampText,
      signatures: [],
      ed25519Signatures: hmacSignature(bytes, ED25519_SIGNATURE_BYTES),
    }
  },
  content: (parts, body) => [parts.timestampText ?? '', body],
  key: discordKey,
  headers: ({ signature, timestamp }) => ({
    [SIGNATURE]: hexEncode(signature),
    [TIMESTAMP]: String(timestamp),
  }),
  challenge: (event) => ((event as { type?: unknown })?.type === 1 ? { type: 1 } : undefined),
  eventType(event) {
    const type = INTERACTION_TYPES[(event as { type?: number })?.type ?? 0]
    const command = stringField(objectField(event, 'data'), 'name')
    return type === 'application_command' && command !== undefined ? `${type}.${command}` : type
  },
})
