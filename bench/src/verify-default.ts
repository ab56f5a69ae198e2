import { createHmac, timingSafeEqual } from 'node:crypto'
import { verify } from '@hookguard/core'
import { eventBody, kib, SIZES, secrets, signedHeaders } from './fixtures.js'
import { type Budget, interleave, timeRatio } from './measure.js'
import { formatRatio, formatTime, type Row, type Section } from './report.js'

const TOLERANCE_SECONDS = 300
const TARGET = 1.15

/**
 * What a careful hand-written receiver does for the default scheme, inline: read both headers,
 * check the timestamp is digits and fresh, HMAC `${timestamp}.${body}`, compare every `v1=`
 * entry in constant time (after a length check, so a wrong length cannot throw), parse the JSON.
 */
export function handWrittenVerify(
  body: Buffer,
  headers: Record<string, string | undefined>,
  secret: string,
): unknown {
  const timestamp = headers['x-webhook-timestamp']
  const signature = headers['x-webhook-signature']
  if (!timestamp || !signature) throw new Error('missing header')
  if (!/^\d{1,20}$/.test(timestamp)) throw new Error('bad timestamp')
  if (Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > TOLERANCE_SECONDS) {
    throw new Error('stale timestamp')
  }
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest()
  let matched = false
  for (const entry of signature.split(',')) {
    if (!entry.startsWith('v1=')) continue
    const given = Buffer.from(entry.slice(3), 'hex')
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true
  }
  if (!matched) throw new Error('no signature matched')
  return JSON.parse(body.toString('utf8'))
}

/** Group 1: `verify()` with the default scheme against the inline baseline. */
export async function benchVerifyDefault(budget: Budget): Promise<Section> {
  const rows: Row[] = []
  for (const size of SIZES) {
    const body = eventBody(size)
    // Signed once: the timestamp stays within the 300 s tolerance for the whole group.
    const headers = await signedHeaders(body)
    const secret = secrets.hookguard
    const timings = await interleave(
      {
        hookguard: () => verify({ payload: body, headers, secret }),
        baseline: () => handWrittenVerify(body, headers, secret),
      },
      budget,
    )
    const { hookguard, baseline } = timings
    const ratio = timeRatio(hookguard, baseline)
    rows.push({
      case: `verify() default scheme, ${kib(size)}`,
      hookguard: formatTime(hookguard.ns),
      baseline: 'createHmac + timingSafeEqual + JSON.parse',
      baselineValue: formatTime(baseline.ns),
      ratio: formatRatio(ratio, 'time'),
      target: `<= ${TARGET}x time`,
      met: ratio.median <= TARGET,
    })
  }
  return {
    title: '1. verify(), default scheme, against a hand-written receiver',
    method:
      '`verify({ payload, headers, secret })` (awaited) against the same checks written inline ' +
      '(synchronous): read both headers, digits-only timestamp within 300 s, `createHmac` over ' +
      '`<timestamp>.<body>`, `timingSafeEqual` against each `v1=` entry after a length check, ' +
      '`JSON.parse`. Bodies are `Buffer`s, as an adapter hands them over; headers are a ' +
      'Node-style object. Median time per operation (mitata); ratio = median of the per-round ' +
      'ratios, rounds interleaved.',
    rows,
    notes: [],
  }
}
