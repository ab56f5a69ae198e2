import { hexDecodeSignature, hexEncode } from '../encoding.js'
import { parseTimestamp } from '../timestamp.js'
import { defineScheme, hmacSignature } from './define.js'
import { invalidSignature, requiredHeader, signatureEntries, stringField } from './read.js'

const SIGNATURE = 'paddle-signature'
const DISPLAY = 'Paddle-Signature'

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 of "${ts}:${body}">`,
 * keyed with the notification destination's secret key as given. While a secret rotates Paddle
 * sends one `h1` per secret; any of them passes (Paddle's Node SDK keeps only the last). The
 * window is Paddle's own: 5 seconds, as its SDK checks. The id is `event_id`, the type
 * `event_type` (`transaction.completed`).
 *
 * @example
 * await verify({ scheme: 'paddle', payload, headers, secret: process.env.PADDLE_WEBHOOK_SECRET! })
 */
export const paddleScheme = defineScheme({
  name: 'paddle',
  toleranceSeconds: 5,
  read(header) {
    const text = requiredHeader(header, SIGNATURE, DISPLAY)
    let timestampText: string | undefined
    const signatures: Uint8Array[] = []
    for (const entry of signatureEntries(text, ';', DISPLAY)) {
      const eq = entry.indexOf('=')
      const name = entry.slice(0, eq).trim()
      const value = entry.slice(eq + 1).trim()
      if (eq < 0 || value === '') continue
      if (name === 'ts') timestampText = value
      if (name === 'h1') signatures.push(...hmacSignature(hexDecodeSignature(value)))
    }
    if (timestampText === undefined) throw invalidSignature(`${DISPLAY} has no ts`)
    if (!/(^|;)\s*h1=/.test(text)) throw invalidSignature(`${DISPLAY} has no h1 signature`)
    return { timestamp: parseTimestamp(timestampText, `${DISPLAY} ts`), timestampText, signatures }
  },
  content: (parts, body) => [`${parts.timestampText}:`, body],
  headers: ({ signature, timestamp }) => ({
    [SIGNATURE]: `ts=${timestamp};h1=${hexEncode(signature)}`,
  }),
  eventId: (event) => stringField(event, 'event_id'),
  eventType: (event) => stringField(event, 'event_type'),
})
