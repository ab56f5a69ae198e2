import { hexDecodeSignature, hexEncode } from '../encoding.js'
import { parseTimestamp } from '../timestamp.js'
import { defineScheme, hmacSignature } from './define.js'
import { invalidSignature, requiredHeader, signatureEntries } from './read.js'

const SIGNATURE = 'stripe-signature'
const DISPLAY = 'Stripe-Signature'

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "${t}.${body}">`, with
 * any number of `v1` entries (Stripe sends one per active secret while you roll one) and
 * `v0` or unknown entries ignored. The secret is used exactly as given: the whole
 * `whsec_…` string is the HMAC key. The event's `id` and `type` come from the body.
 *
 * @example
 * const event = await verify<Stripe.Event>({
 *   scheme: 'stripe',
 *   payload: rawBody,
 *   headers,
 *   secret: process.env.STRIPE_WEBHOOK_SECRET!,
 * })
 */
export const stripeScheme = defineScheme({
  name: 'stripe',
  read(header) {
    const text = requiredHeader(header, SIGNATURE, DISPLAY)
    let timestampText: string | undefined
    const signatures: Uint8Array[] = []
    let seen = false
    for (const entry of signatureEntries(text, ',', DISPLAY)) {
      const eq = entry.indexOf('=')
      if (eq < 0) continue
      const key = entry.slice(0, eq).trim()
      const value = entry.slice(eq + 1).trim()
      if (key === 't') {
        // Stripe's own parser keeps the last `t`; two of them is not a header Stripe sends.
        if (timestampText !== undefined) throw invalidSignature(`${DISPLAY} has more than one t=`)
        timestampText = value
      } else if (key === 'v1') {
        seen = true
        signatures.push(...hmacSignature(hexDecodeSignature(value)))
      }
    }
    if (timestampText === undefined) throw invalidSignature(`${DISPLAY} has no t= timestamp`)
    const timestamp = parseTimestamp(timestampText, `${DISPLAY} t=`)
    if (!seen) throw invalidSignature(`${DISPLAY} has no v1 signature`)
    return { timestamp, timestampText, signatures }
  },
  content: (parts, body) => [`${parts.timestampText}.`, body],
  headers: ({ signature, timestamp }) => ({
    [SIGNATURE]: `t=${timestamp},v1=${hexEncode(signature)}`,
  }),
})
