import { looksLikeMilliseconds } from '../timestamp.js'
import { finding } from './findings.js'
import type { Finding } from './types.js'

const HOUR = 3600

function duration(seconds: number): string {
  const s = Math.abs(seconds)
  if (s < 2 * HOUR) return `${s} s`
  if (s < 48 * HOUR) return `${(s / HOUR).toFixed(1).replace(/\.0$/, '')} h`
  return `${Math.round(s / 86400)} days`
}

/**
 * Why a correctly signed timestamp is outside the tolerance: milliseconds, a time-zone offset,
 * a stale capture or clock skew. Empty when it is inside.
 */
export function clockFindings(timestamp: number, now: Date, toleranceSeconds: number): Finding[] {
  const skew = timestamp - Math.floor(now.getTime() / 1000)
  if (Math.abs(skew) <= toleranceSeconds) return []
  const where = skew < 0 ? 'in the past' : 'in the future'
  if (looksLikeMilliseconds(timestamp)) {
    return [
      finding(
        'TIMESTAMP_MILLISECONDS',
        'confirmed',
        'The signature is valid but the timestamp is in milliseconds (13 digits or more); the scheme expects unix seconds',
      ),
    ]
  }
  // Time zones are whole or half hours away from UTC, and at most 14 hours.
  const zone = Math.round(skew / 1800) * 1800
  if (Math.abs(zone) >= HOUR && Math.abs(zone) <= 14 * HOUR && Math.abs(skew - zone) <= 90) {
    return [
      finding(
        'TIMESTAMP_TIMEZONE',
        skew > 0 ? 'confirmed' : 'likely',
        `The signature is valid but the timestamp is ${duration(zone)} ${where}, a whole time-zone offset: the sender wrote local time, not UTC`,
      ),
    ]
  }
  if (skew < -HOUR) {
    return [
      finding(
        'TIMESTAMP_STALE',
        'confirmed',
        `The signature is valid but the request was signed ${duration(skew)} ago, outside the ${toleranceSeconds} s tolerance`,
      ),
    ]
  }
  return [
    finding(
      'CLOCK_SKEW',
      'confirmed',
      `The signature is valid but the timestamp is ${duration(skew)} ${where}, outside the ${toleranceSeconds} s tolerance: a clock is off`,
    ),
  ]
}
