import { createHash } from 'node:crypto'

/**
 * Longest key stored verbatim, in UTF-8 bytes (Stripe's limit on idempotency keys). Longer keys
 * are stored under their SHA-256 instead of being refused: a sender whose ids are long would
 * otherwise get a 503 on every delivery, forever.
 */
export const MAX_VERBATIM_KEY_BYTES = 255

/**
 * The Redis key of an idempotency key: `${prefix}{${key}}`, or `${prefix}#{${sha256hex}}` past
 * the limit. The braces are a Cluster hash tag, so keys added later for the same event
 * (`…}:payload`) land in the same slot; the `#` keeps hashed keys apart from verbatim ones.
 */
export function toRedisKey(prefix: string, key: string): string {
  if (Buffer.byteLength(key, 'utf8') <= MAX_VERBATIM_KEY_BYTES) return `${prefix}{${key}}`
  return `${prefix}#{${createHash('sha256').update(key, 'utf8').digest('hex')}}`
}
