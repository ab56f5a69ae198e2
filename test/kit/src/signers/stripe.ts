import { NOW_S, SECRET } from '../constants.js'
import { hmac, type KitSignOptions } from './hmac.js'

/**
 * Stripe (docs.stripe.com/webhooks, "verify manually"): `Stripe-Signature:
 * t=<timestamp>,v1=<hex HMAC-SHA256 of "${t}.${body}">`, keyed with the whole `whsec_…` string.
 *
 * @example
 * await verify({ scheme: 'stripe', payload: BODY, headers: signStripe(BODY), secret: SECRET, now: NOW })
 */
export function signStripe(
  body: string | Uint8Array,
  options: KitSignOptions = {},
): { 'stripe-signature': string } {
  const timestamp = String(options.timestamp ?? NOW_S)
  const hex = hmac(options.secret ?? SECRET, `${timestamp}.`, body).toString('hex')
  return { 'stripe-signature': `t=${timestamp},v1=${hex}` }
}
