import { expectCode, hmac, NOW, NOW_S } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { sign } from '../sign.js'
import { verify, verifyWebhook } from '../verify.js'

const SECRET = 'whsec_stripe_test_secret_used_as_given'
const event = {
  id: 'evt_1',
  object: 'event',
  type: 'payment_intent.succeeded',
  data: { object: {} },
}
const body = JSON.stringify(event)
const scheme = 'stripe' as const
const base = { scheme, secret: SECRET, now: NOW }
const v1 = (ts: number | string = NOW_S, secret = SECRET) =>
  hmac(secret, `${ts}.`, body).toString('hex')
const withHeader = (value: string) => ({ 'stripe-signature': value })

describe('stripe', () => {
  it('verifies t=,v1= with the whole whsec_ string as the key; id and type from the body', async () => {
    const result = await verifyWebhook({
      ...base,
      payload: body,
      headers: withHeader(`t=${NOW_S},v1=${v1()}`),
    })
    expect(result).toMatchObject({ event, id: 'evt_1', type: 'payment_intent.succeeded' })
  })

  it('does not base64-decode the secret (that would be Standard Webhooks)', async () => {
    const decoded = Buffer.from(SECRET.slice(6), 'base64')
    const sig = hmac(decoded, `${NOW_S}.`, body).toString('hex')
    await expectCode(
      verify({ ...base, payload: body, headers: withHeader(`t=${NOW_S},v1=${sig}`) }),
      'INVALID_SIGNATURE',
    )
  })

  it.each([
    [
      'several v1 (one per secret while rolling)',
      () => `t=${NOW_S},v1=${'0'.repeat(64)},v1=${v1()}`,
    ],
    ['a v0 entry', () => `t=${NOW_S},v0=${'1'.repeat(64)},v1=${v1()}`],
    ['t after the signatures', () => `v1=${v1()},t=${NOW_S}`],
    ['unknown keys', () => `t=${NOW_S},v9=x,foo,v1=${v1()}`],
  ])('passes with %s', async (_name, header) => {
    await expect(
      verify({ ...base, payload: body, headers: withHeader(header()) }),
    ).resolves.toEqual(event)
  })

  it.each([
    ['no t', () => `v1=${v1()}`],
    ['two t', () => `t=${NOW_S},t=${NOW_S},v1=${v1()}`],
    ['no v1', () => `t=${NOW_S},v0=${v1()}`],
    ['upper-case hex', () => `t=${NOW_S},v1=${v1().toUpperCase()}`],
    ['a truncated v1', () => `t=${NOW_S},v1=${v1().slice(0, 40)}`],
    ['an empty v1', () => `t=${NOW_S},v1=`],
    ['garbage', () => 'garbage'],
  ])('INVALID_SIGNATURE for %s', async (_name, header) => {
    await expectCode(
      verify({ ...base, payload: body, headers: withHeader(header()) }),
      'INVALID_SIGNATURE',
    )
  })

  it.each(['abc', '', '1.5', '-5', `${NOW_S}x`])('INVALID_TIMESTAMP for t=%j', async (t) => {
    await expectCode(
      verify({ ...base, payload: body, headers: withHeader(`t=${t},v1=${v1(t)}`) }),
      'INVALID_TIMESTAMP',
    )
  })

  it('MISSING_HEADER without Stripe-Signature', async () => {
    await expectCode(verify({ ...base, payload: body, headers: {} }), 'MISSING_HEADER')
  })

  it('rejects future timestamps too (stripe-node accepts them)', async () => {
    for (const ts of [NOW_S - 301, NOW_S + 301]) {
      await expectCode(
        verify({ ...base, payload: body, headers: withHeader(`t=${ts},v1=${v1(ts)}`) }),
        'TIMESTAMP_EXPIRED',
      )
    }
    await expect(
      verify({
        ...base,
        payload: body,
        headers: withHeader(`t=${NOW_S + 300},v1=${v1(NOW_S + 300)}`),
      }),
    ).resolves.toEqual(event)
  })

  it('rotates: a signature by any listed secret passes', async () => {
    const header = withHeader(`t=${NOW_S},v1=${v1(NOW_S, 'whsec_old')}`)
    await expect(
      verify({ ...base, secret: ['whsec_new', 'whsec_old'], payload: body, headers: header }),
    ).resolves.toEqual(event)
    await expectCode(
      verify({ ...base, secret: 'whsec_new', payload: body, headers: header }),
      'INVALID_SIGNATURE',
    )
  })

  it('sign() writes the header Stripe sends', async () => {
    const headers = await sign({ scheme, payload: body, secret: SECRET, timestamp: NOW_S })
    expect(headers).toEqual({ 'stripe-signature': `t=${NOW_S},v1=${v1()}` })
  })
})
