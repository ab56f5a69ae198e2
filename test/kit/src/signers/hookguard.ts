import { NOW_S, SECRET } from '../constants.js'
import { hmac, type KitSignOptions } from './hmac.js'

/**
 * hookguard's default scheme, from DESIGN.md: `X-Webhook-Timestamp` in unix seconds and
 * `X-Webhook-Signature: v1=<hex HMAC-SHA256 of "${timestamp}.${body}">`, keyed with the secret
 * string's UTF-8 bytes (or the given bytes).
 *
 * @example
 * await verify({ payload: BODY, headers: signHookguard(BODY), secret: SECRET, now: NOW })
 */
export function signHookguard(
  body: string | Uint8Array,
  options: KitSignOptions = {},
): { 'x-webhook-timestamp': string; 'x-webhook-signature': string } {
  const timestamp = String(options.timestamp ?? NOW_S)
  const hex = hmac(options.secret ?? SECRET, `${timestamp}.`, body).toString('hex')
  return { 'x-webhook-timestamp': timestamp, 'x-webhook-signature': `v1=${hex}` }
}
