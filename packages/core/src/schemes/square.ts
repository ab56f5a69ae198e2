import { base64DecodeSignature, base64Encode } from '../encoding.js'
import { defineScheme, hmacSignature } from './define.js'
import { requiredHeader, stringField } from './read.js'

const SIGNATURE = 'x-square-hmacsha256-signature'

/**
 * Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256 of notification URL + body>`,
 * keyed with the subscription's signature key as given. The URL is the notification URL
 * exactly as configured in Square (adapters pass the request URL; set `publicUrl` behind a
 * proxy). No timestamp is signed: replay protection rests on the idempotency key, the body's
 * `event_id`; the type is the body's `type` (`payment.updated`).
 *
 * @example
 * await verify({ scheme: 'square', payload, headers, url: 'https://example.com/square', secret })
 */
export const squareScheme = defineScheme({
  name: 'square',
  signsUrl: true,
  read: (header, { url }) => ({
    url,
    signatures: hmacSignature(
      base64DecodeSignature(requiredHeader(header, SIGNATURE, 'x-square-hmacsha256-signature')),
    ),
  }),
  content: (parts, body) => [parts.url ?? '', body],
  headers: ({ signature }) => ({ [SIGNATURE]: base64Encode(signature) }),
  eventId: (event) => stringField(event, 'event_id'),
})
