import { createHmac } from 'node:crypto'
import { SECRET } from '../constants.js'
import { hmac } from './hmac.js'

/** Options of the URL-signing senders' signers. */
export interface UrlSignOptions {
  secret?: string
  /** The URL the sender calls. */
  url: string
}

/**
 * Twilio (twilio.com/docs/usage/security, "Validating signatures from Twilio"): base64
 * HMAC-SHA1 (or HMAC-SHA256 with `algorithm: 'sha256'`) of the URL followed by each form
 * parameter, sorted by name, as name then value. For a JSON body the URL must carry
 * `bodySHA256` and the parameters are none.
 *
 * @example
 * signTwilio('To=%2B1555&Body=hi', { url: 'https://example.com/sms' })
 */
export function signTwilio(
  body: string,
  options: UrlSignOptions & { algorithm?: 'sha1' | 'sha256'; json?: boolean },
): Record<string, string> {
  const params = new URLSearchParams(options.json ? '' : body)
  const names = [...new Set(params.keys())].sort()
  let data = options.url
  for (const name of names) {
    for (const value of [...new Set(params.getAll(name))].sort()) data += name + value
  }
  const algorithm = options.algorithm ?? 'sha1'
  const signature = createHmac(algorithm, options.secret ?? SECRET)
    .update(data)
    .digest('base64')
  return {
    'x-twilio-signature': signature,
    ...(algorithm === 'sha256'
      ? { 'x-twilio-webhooks-signature-settings': 'algorithm=HMAC_SHA256' }
      : {}),
  }
}

/**
 * Square (developer.squareup.com/docs/webhooks/step3validate): base64 HMAC-SHA256 of the
 * notification URL followed by the body, keyed with the signature key.
 *
 * @example
 * signSquare(body, { url: 'https://example.com/square' })
 */
export function signSquare(
  body: string | Uint8Array,
  options: UrlSignOptions,
): { 'x-square-hmacsha256-signature': string } {
  return {
    'x-square-hmacsha256-signature': hmac(options.secret ?? SECRET, options.url, body).toString(
      'base64',
    ),
  }
}
