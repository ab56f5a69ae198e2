import { base64Decode, base64DecodeSignature, base64Encode } from '../encoding.js'
import { parseTimestamp } from '../timestamp.js'
import { defineScheme } from './define.js'
import { requiredHeader } from './read.js'
import type { SchemeKey } from './types.js'

const SIGNATURE = 'x-twilio-email-event-webhook-signature'
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp'
// SPKI header of an uncompressed P-256 public key: SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING.
const P256_SPKI_PREFIX = '3059301306072a8648ce3d020106082a8648ce3d030107034200'

function integer(der: Uint8Array, at: number): { value: Uint8Array; next: number } | undefined {
  if (der[at] !== 0x02) return undefined
  const length = der[at + 1] ?? 0
  if (length === 0 || length > 33) return undefined
  let value = der.subarray(at + 2, at + 2 + length)
  while (value.byteLength > 32 && value[0] === 0) value = value.subarray(1)
  if (value.byteLength > 32) return undefined
  return { value, next: at + 2 + length }
}

/**
 * An ECDSA P-256 signature in DER (`SEQUENCE { r INTEGER, s INTEGER }`, what SendGrid and
 * node:crypto produce) as the 64-byte `r || s` Web Crypto verifies; `undefined` if malformed.
 *
 * @example
 * ecdsaDerToRaw(base64Decode(header)) // Uint8Array(64)
 */
export function ecdsaDerToRaw(der: Uint8Array | undefined): Uint8Array | undefined {
  if (der === undefined || der[0] !== 0x30 || der[1] !== der.byteLength - 2) return undefined
  const r = integer(der, 2)
  const s = r && integer(der, r.next)
  if (!r || !s || s.next !== der.byteLength) return undefined
  const out = new Uint8Array(64)
  out.set(r.value, 32 - r.value.byteLength)
  out.set(s.value, 64 - s.value.byteLength)
  return out
}

/** `r || s` back to DER, for `sign`'s headers. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const part = (bytes: Uint8Array): number[] => {
    let start = 0
    while (start < bytes.byteLength - 1 && bytes[start] === 0) start++
    const body = [...bytes.subarray(start)]
    return (body[0] as number) >= 0x80
      ? [0x02, body.length + 1, 0, ...body]
      : [0x02, body.length, ...body]
  }
  const inner = [...part(raw.subarray(0, 32)), ...part(raw.subarray(32))]
  return new Uint8Array([0x30, inner.length, ...inner])
}

/**
 * The key for SendGrid's verification key as the Mail Settings page shows it: base64 of the
 * P-256 public key's SPKI DER (a PEM block works too). A `Uint8Array` is the DER itself.
 *
 * @example
 * sendgridKey(process.env.SENDGRID_WEBHOOK_PUBLIC_KEY!) // { type: 'ecdsa-p256-public', key }
 */
export function sendgridKey(secret: string | Uint8Array): SchemeKey {
  const der =
    typeof secret === 'string'
      ? base64Decode(secret.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, ''))
      : secret
  const hex = der
    ? [...der.subarray(0, 26)].map((b) => b.toString(16).padStart(2, '0')).join('')
    : ''
  if (!der || der.byteLength !== 91 || hex !== P256_SPKI_PREFIX || der[26] !== 0x04) {
    throw new TypeError(
      'secret: a SendGrid verification key is the base64 P-256 public key from Mail Settings > Event Webhook (MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…)',
    )
  }
  return { type: 'ecdsa-p256-public', key: der }
}

/**
 * SendGrid Event Webhook: `X-Twilio-Email-Event-Webhook-Signature` (base64 DER ECDSA P-256 over
 * `${X-Twilio-Email-Event-Webhook-Timestamp}${body}`), checked with the verification key.
 * The body is a batch (a JSON array of events), each with its own `sg_event_id`: the event is
 * the array, with no single id (deduplicate per item, or with `idempotencyKey`).
 *
 * @example
 * await verify({ scheme: 'sendgrid', payload, headers, secret: process.env.SENDGRID_VERIFICATION_KEY! })
 */
export const sendgridScheme = defineScheme({
  name: 'sendgrid',
  read(header) {
    const signature = requiredHeader(header, SIGNATURE, 'X-Twilio-Email-Event-Webhook-Signature')
    const timestampText = requiredHeader(
      header,
      TIMESTAMP,
      'X-Twilio-Email-Event-Webhook-Timestamp',
    )
    const raw = ecdsaDerToRaw(base64DecodeSignature(signature))
    return {
      timestamp: parseTimestamp(timestampText, 'X-Twilio-Email-Event-Webhook-Timestamp'),
      timestampText,
      signatures: [],
      ecdsaSignatures: raw ? [raw] : [],
    }
  },
  content: (parts, body) => [parts.timestampText ?? '', body],
  key: sendgridKey,
  headers: ({ signature, timestamp }) => ({
    [SIGNATURE]: base64Encode(rawToDer(signature)),
    [TIMESTAMP]: String(timestamp),
  }),
  eventId: () => undefined,
  eventType: () => undefined,
})
