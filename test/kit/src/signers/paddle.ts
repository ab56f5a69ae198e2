import { NOW_S } from '../constants.js'
import { hmac, type KitSignOptions } from './hmac.js'

/**
 * Paddle Billing (developer.paddle.com/webhooks/signature-verification):
 * `Paddle-Signature: ts=<unix s>;h1=<hex HMAC-SHA256 of "${ts}:${body}">`, one `h1` per secret
 * (several while rotating).
 *
 * @example
 * signPaddle(body, { secrets: ['pdl_old', 'pdl_new'] })
 */
export function signPaddle(
  body: string | Uint8Array,
  options: Omit<KitSignOptions, 'secret'> & { secrets?: Array<string | Uint8Array> } = {},
): { 'paddle-signature': string } {
  const ts = String(options.timestamp ?? NOW_S)
  const h1 = (options.secrets ?? ['pdl_ntfset_kit_secret']).map(
    (secret) => `h1=${hmac(secret, `${ts}:`, body).toString('hex')}`,
  )
  return { 'paddle-signature': [`ts=${ts}`, ...h1].join(';') }
}
