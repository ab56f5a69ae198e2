import { hexEncode } from '../encoding.js'
import { defineScheme } from './define.js'
import { readTimestampedHex } from './versioned-hex.js'

const TIMESTAMP = 'x-webhook-timestamp'
const SIGNATURE = 'x-webhook-signature'

/**
 * hookguard's own scheme (the default): `X-Webhook-Timestamp` in unix seconds and
 * `X-Webhook-Signature: v1=<hex HMAC-SHA256 of "${timestamp}.${body}">`.
 *
 * @example
 * await verify({ payload, headers, secret, scheme: hookguardScheme }) // same as no scheme
 */
export const hookguardScheme = defineScheme({
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
  headers: ({ signature, timestamp }) => ({
    [TIMESTAMP]: String(timestamp),
    [SIGNATURE]: `v1=${hexEncode(signature)}`,
  }),
})
