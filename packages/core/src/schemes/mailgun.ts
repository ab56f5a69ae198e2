import { crypto } from '#crypto'
import { hexDecodeSignature, hexEncode } from '../encoding.js'
import { WebhookVerificationError } from '../errors.js'
import type { HeaderGetter } from '../headers.js'
import { parseTimestamp } from '../timestamp.js'
import { defineScheme, hmacSignature } from './define.js'
import { formFields } from './form.js'
import { invalidSignature, objectField, stringField } from './read.js'

/**
 * Mailgun retries a delivery for 8 hours (5, 10 and 15 minutes, then 1, 2 and 4 hours) with the
 * signature it was first sent with; a shorter window would refuse every retry of an event whose
 * first delivery failed, and the event would be lost.
 */
const RETRY_WINDOW_SECONDS = 8 * 60 * 60

/** Mailgun's tokens are 50 characters. */
const TOKEN_BYTES = 25

function isForm(text: string, header: HeaderGetter): boolean {
  const type = (header('content-type') ?? '').toLowerCase()
  if (type.startsWith('application/x-www-form-urlencoded')) return true
  if (type.startsWith('application/json')) return false
  return !/^\s*[[{]/.test(text)
}

/**
 * The body as Mailgun posts it: JSON for webhooks, form fields for route forwards and legacy
 * webhooks (a repeated field, from a user variable named like one of Mailgun's, is an array).
 */
function readMailgunBody(text: string, header: HeaderGetter): unknown {
  if (/^multipart\/form-data\b/i.test(header('content-type') ?? '')) {
    throw invalidSignature(
      'A multipart/form-data body (a route forward of a message with attachments) is not read by the mailgun scheme: ' +
        'verify its timestamp, token and signature fields after your multipart parser',
    )
  }
  return isForm(text, header) ? formFields(text) : JSON.parse(text)
}

/**
 * A signature field as Mailgun sent it. In a form body Mailgun's own value is the last one: a
 * user variable of the same name comes first (as django-anymail reads it).
 */
function signatureField(block: unknown, name: string): string | undefined {
  if (typeof block !== 'object' || block === null) return undefined
  const value = (block as Record<string, unknown>)[name]
  const last = Array.isArray(value) ? value[value.length - 1] : value
  if (typeof last === 'number' && Number.isSafeInteger(last)) return String(last)
  return typeof last === 'string' && last !== '' ? last : undefined
}

function required(block: unknown, name: string, where: string): string {
  const value = signatureField(block, name)
  if (value === undefined) {
    throw new WebhookVerificationError(
      'MISSING_HEADER',
      `Missing ${where}${name} in the body (Mailgun signs timestamp and token, and sends the signature in the body)`,
    )
  }
  return value
}

const hexSignature = (text: string | undefined): Uint8Array[] =>
  text === undefined ? [] : hmacSignature(hexDecodeSignature(text.toLowerCase()))

/** The first value of a form field (a user variable of the same name comes after it), or the field. */
function firstValue(event: unknown, name: string): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined
  const value = (event as Record<string, unknown>)[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' && first !== '' ? first : undefined
}

/**
 * Mailgun: the signature is in the body, not in a header. `timestamp`, `token` and `signature`
 * (hex HMAC-SHA256 of timestamp + token, keyed with the HTTP webhook signing key) are under
 * `signature` in a JSON webhook, and top-level fields in a form-encoded route forward or legacy
 * webhook; a subaccount's event also carries `parent-signature`, by the primary account's key
 * (either matches). The body itself is not signed, so it is read before verifying, once.
 *
 * Replay: the timestamp must be within 8 hours (Mailgun resends the first signature for 8 hours
 * of retries), and the idempotency key is the signed `token` (Mailgun's advice: honour a token
 * once). As the body is unsigned, a captured signature carries any body until its timestamp
 * expires; a store keyed on the token (72 hours, longer than the window) refuses the same token
 * with another body (`422`). The event is the whole body; the type is `event-data.event`
 * (`delivered`, `failed`, `opened`), or a form body's `event`.
 *
 * `sign` returns the three signature fields (`timestamp`, `token`, `signature`), which go in the
 * body: Mailgun sends no signature headers. A multipart body (a route forward with attachments)
 * is refused with `INVALID_SIGNATURE`.
 *
 * @example
 * await verify({ scheme: 'mailgun', payload: rawBody, headers, secret: process.env.MAILGUN_WEBHOOK_SIGNING_KEY! })
 */
export const mailgunScheme = defineScheme({
  name: 'mailgun',
  needsId: true,
  generateId: () => hexEncode(crypto.randomBytes(TOKEN_BYTES)),
  toleranceSeconds: RETRY_WINDOW_SECONDS,
  readBody: readMailgunBody,
  parse: readMailgunBody,
  read(_header, { parsed }) {
    // A JSON webhook nests the fields under `signature`; a form body has them at the top.
    const nested = objectField(parsed, 'signature')
    const block = nested ?? parsed
    const where = nested === undefined ? '' : 'signature.'
    const timestampText = required(block, 'timestamp', where)
    const token = required(block, 'token', where)
    const signature = required(block, 'signature', where)
    return {
      id: token,
      timestamp: parseTimestamp(timestampText, `Mailgun's ${where}timestamp`),
      timestampText,
      signatures: [
        ...hexSignature(signature),
        ...hexSignature(signatureField(block, 'parent-signature')),
      ],
    }
  },
  content: (parts) => [`${parts.timestampText}${parts.id}`],
  headers: ({ signature, timestamp, id }) => ({
    timestamp: String(timestamp),
    token: id ?? '',
    signature: hexEncode(signature),
  }),
  eventId: (_event, _header, parts) => parts.id,
  eventType: (event) =>
    stringField(objectField(event, 'event-data'), 'event') ?? firstValue(event, 'event'),
})
