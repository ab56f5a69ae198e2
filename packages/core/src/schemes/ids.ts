import { crypto } from '#crypto'
import { hexEncode } from '../encoding.js'

/** A random RFC 9562 version 4 UUID, the id format GitHub and Shopify use for deliveries. */
export function randomUuid(): string {
  const bytes = crypto.randomBytes(16)
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80
  const hex = hexEncode(bytes)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A random message id in the `msg_…` style Standard Webhooks senders use. */
export function randomMessageId(): string {
  return `msg_${hexEncode(crypto.randomBytes(12))}`
}
