import { type ErrorCode, sign, verify, WebhookVerificationError } from '@hookguard/core'
import { Stripe } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'

const scheme = 'stripe' as const
const secretArb = fc.stringMatching(/^[A-Za-z0-9]{8,40}$/).map((s) => `whsec_${s}`)
const timestamp = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 })

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | string> {
  try {
    await promise
    return 'resolved'
  } catch (error) {
    return error instanceof WebhookVerificationError ? error.code : String(error)
  }
}

describe('stripe: cross-verification with stripe-node', () => {
  it('generateTestHeaderString → hookguard verifies', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretArb, timestamp, async (payload, secret, ts) => {
        const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: ts })
        expect(
          await verify({
            scheme,
            secret,
            payload,
            headers: { 'stripe-signature': header },
            now: new Date(ts * 1000),
          }),
        ).toEqual(JSON.parse(payload))
      }),
      { numRuns: 60 },
    )
  })

  it('hookguard signs → constructEvent accepts and returns the same event', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretArb, timestamp, async (payload, secret, ts) => {
        const headers = await sign({ scheme, payload, secret, timestamp: ts })
        const event = Stripe.webhooks.constructEvent(
          payload,
          headers['stripe-signature'] as string,
          secret,
          300,
          undefined,
          ts * 1000,
        )
        expect(event).toEqual(JSON.parse(payload))
      }),
      { numRuns: 60 },
    )
  })

  it('a signature by another secret is rejected by both', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretArb, secretArb, timestamp, async (payload, a, b, ts) => {
        fc.pre(a !== b)
        const header = Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: a,
          timestamp: ts,
        })
        expect(() =>
          Stripe.webhooks.constructEvent(payload, header, b, 300, undefined, ts * 1000),
        ).toThrow()
        expect(
          await codeOf(
            verify({
              scheme,
              secret: b,
              payload,
              headers: { 'stripe-signature': header },
              now: new Date(ts * 1000),
            }),
          ),
        ).toBe('INVALID_SIGNATURE')
      }),
      { numRuns: 30 },
    )
  })
})

describe('stripe: the negative cases stripe-node rejects, with codes', () => {
  const secret = 'whsec_test_secret'
  const payload = JSON.stringify({ id: 'evt_test_webhook', object: 'event' })
  const ts = 1_700_000_000
  const now = new Date(ts * 1000)
  const good = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: ts })

  it.each<[string, string, ErrorCode]>([
    [
      'no signatures with the expected scheme',
      `t=${ts},v0=${good.split('v1=')[1]}`,
      'INVALID_SIGNATURE',
    ],
    ['no timestamp', `v1=${good.split('v1=')[1]}`, 'INVALID_SIGNATURE'],
    ['a non-numeric timestamp', `t=abc,v1=${good.split('v1=')[1]}`, 'INVALID_TIMESTAMP'],
    ['a wrong signature', `t=${ts},v1=${'0'.repeat(64)}`, 'INVALID_SIGNATURE'],
    ['a malformed header', 'garbage', 'INVALID_SIGNATURE'],
    ['an empty header', '', 'MISSING_HEADER'],
  ])('%s', async (_name, header, code) => {
    expect(() =>
      Stripe.webhooks.constructEvent(payload, header, secret, 300, undefined, ts * 1000),
    ).toThrow()
    expect(
      await codeOf(
        verify({ scheme, secret, payload, headers: { 'stripe-signature': header }, now }),
      ),
    ).toBe(code)
  })

  it('301 s in the past: both reject', async () => {
    const old = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: ts - 301 })
    expect(() =>
      Stripe.webhooks.constructEvent(payload, old, secret, 300, undefined, ts * 1000),
    ).toThrow(/tolerance/)
    expect(
      await codeOf(verify({ scheme, secret, payload, headers: { 'stripe-signature': old }, now })),
    ).toBe('TIMESTAMP_EXPIRED')
  })

  it('301 s in the future: stripe-node accepts it, hookguard does not (replay window)', async () => {
    const future = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      timestamp: ts + 301,
    })
    expect(
      Stripe.webhooks.constructEvent(payload, future, secret, 300, undefined, ts * 1000),
    ).toEqual(JSON.parse(payload))
    expect(
      await codeOf(
        verify({ scheme, secret, payload, headers: { 'stripe-signature': future }, now }),
      ),
    ).toBe('TIMESTAMP_EXPIRED')
  })

  it('several v1 entries (a secret being rolled): both accept any match', async () => {
    const sig = good.split('v1=')[1]
    const header = `t=${ts},v1=${'a'.repeat(64)},v1=${sig}`
    expect(
      Stripe.webhooks.constructEvent(payload, header, secret, 300, undefined, ts * 1000),
    ).toEqual(JSON.parse(payload))
    expect(
      await verify({ scheme, secret, payload, headers: { 'stripe-signature': header }, now }),
    ).toEqual(JSON.parse(payload))
  })
})
