import { WebhookVerificationError } from './errors.js'

const DIGITS = /^\d{1,20}$/

/**
 * Whole unix seconds, digits only: no sign, decimals, exponent or spaces.
 * `Number()` alone would let `''`, `'1e9'` or `' 12 '` through, and `NaN` skips naive range checks.
 *
 * @example
 * parseTimestamp('1700000000', 'X-Acme-Timestamp') // 1700000000; '1.5' is INVALID_TIMESTAMP
 */
export function parseTimestamp(text: string, header: string): number {
  if (!DIGITS.test(text)) {
    throw new WebhookVerificationError(
      'INVALID_TIMESTAMP',
      `${header} must be a whole number of unix seconds`,
    )
  }
  return Number(text)
}

/**
 * Whether a timestamp meant as unix seconds is really in milliseconds (or finer): 1e12 seconds is
 * the year 33658, while `Date.now()` has been past 1e12 since 2001.
 */
export function looksLikeMilliseconds(timestamp: number): boolean {
  return timestamp >= 1e12
}

/** Rejects a timestamp further than `toleranceSeconds` from `now`, in either direction. */
export function assertFresh(timestamp: number, now: Date, toleranceSeconds: number): void {
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const skew = timestamp - nowSeconds
  if (Math.abs(skew) <= toleranceSeconds) return
  const hint = looksLikeMilliseconds(timestamp)
    ? ' (it looks like milliseconds; the timestamp must be in seconds)'
    : ''
  throw new WebhookVerificationError(
    'TIMESTAMP_EXPIRED',
    `Timestamp is ${Math.abs(skew)}s in the ${skew < 0 ? 'past' : 'future'}, outside the ${toleranceSeconds}s tolerance${hint}`,
  )
}
