import { base64DecodeSignature, base64Encode, hexDecode, utf8Decode } from '../encoding.js'
import type { HeaderGetter } from '../headers.js'
import { defineScheme, hmacSignature, rawSecretKey } from './define.js'
import { type FormFields, formFields } from './form.js'
import { requiredHeader, stringField } from './read.js'

const SIGNATURE = 'x-twilio-signature'
const SETTINGS = 'x-twilio-webhooks-signature-settings'

/** Twilio's signed string after the URL: every parameter, sorted by name, as name then value. */
function signedParams(event: FormFields): string {
  const chunks: string[] = []
  for (const name of Object.keys(event).sort()) {
    const value = event[name] as string | string[]
    if (typeof value === 'string') {
      chunks.push(name, value)
      continue
    }
    // As Twilio's helper libraries: a repeated parameter's distinct values, sorted.
    for (const one of [...new Set(value)].sort()) chunks.push(name, one)
  }
  return chunks.join('')
}

/** The `bodySHA256` query parameter of a JSON webhook's URL, decoded; `undefined` without one. */
function bodySha256(url: string | undefined): Uint8Array | undefined {
  const match = /[?&]bodySHA256=([^&#]*)/.exec(url ?? '')
  if (!match) return undefined
  return hexDecode((match[1] ?? '').toLowerCase()) ?? new Uint8Array(0)
}

/** SHA-256 when the settings header says so; else HMAC-SHA1, Twilio's Auth Token signature. */
function digestBytes(header: HeaderGetter): number {
  return /(^|,)\s*algorithm\s*=\s*HMAC_SHA256\s*(,|$)/i.test(header(SETTINGS) ?? '') ? 32 : 20
}

const isJson = (header: HeaderGetter): boolean =>
  /^application\/json\b/i.test(header('content-type') ?? '')

/**
 * Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1>` over the full URL Twilio called followed by
 * every form parameter, sorted by name, as name then value; keyed with the Auth Token. When
 * `X-Twilio-Webhooks-Signature-Settings` says `algorithm=HMAC_SHA256` (a webhook signing key),
 * the same string is signed with HMAC-SHA256. JSON webhooks sign the URL alone, which carries
 * the body's hex SHA-256 as `bodySHA256`; both are checked. No timestamp is signed: replay
 * protection rests on the idempotency key, the `I-Twilio-Idempotency-Token` header. The event is
 * the form fields as an object (a repeated field as an array), or the JSON body; the type is
 * `message.<MessageStatus>` or `call.<CallStatus>` when the fields say.
 *
 * @example
 * await verify({ scheme: 'twilio', payload, headers, url: 'https://example.com/sms', secret: authToken })
 */
export const twilioScheme = defineScheme({
  name: 'twilio',
  signsUrl: true,
  read(header, { url, parsed }) {
    const signature = requiredHeader(header, SIGNATURE, 'X-Twilio-Signature')
    const stated = bodySha256(url)
    return {
      url,
      signatures: hmacSignature(base64DecodeSignature(signature), digestBytes(header)),
      ...(stated === undefined ? {} : { bodySha256: stated }),
      ...(parsed === undefined ? {} : { parsed }),
    }
  },
  // A form body is parsed once, before verifying: the signed string is built from its fields
  // and the same object is the event. A JSON body is covered by the URL's bodySHA256 instead.
  readBody: (text, header) => (isJson(header) ? undefined : formFields(text)),
  content(parts, body) {
    const url = parts.url ?? ''
    if (bodySha256(url) !== undefined) return [url]
    // `sign` and custom callers have no parsed fields: parse here then.
    const event = (parts.parsed as FormFields | undefined) ?? formFields(utf8Decode(body))
    return [url + signedParams(event)]
  },
  key: (secret) => [
    { type: 'hmac-sha1', key: rawSecretKey(secret) },
    { type: 'hmac-sha256', key: rawSecretKey(secret) },
  ],
  headers: ({ signature, algorithm }) => ({
    [SIGNATURE]: base64Encode(signature),
    ...(algorithm === 'hmac-sha256' ? { [SETTINGS]: 'algorithm=HMAC_SHA256' } : {}),
  }),
  parse: (text, header) => (isJson(header) ? JSON.parse(text) : formFields(text)),
  eventId: (_event, header) => header('i-twilio-idempotency-token'),
  eventType(event) {
    const message = stringField(event, 'MessageStatus') ?? stringField(event, 'SmsStatus')
    if (message !== undefined) return `message.${message}`
    const call = stringField(event, 'CallStatus')
    return call === undefined ? undefined : `call.${call}`
  },
})
