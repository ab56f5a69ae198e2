import { expectCode, hmac } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { sign } from '../sign.js'
import { verify, verifyWebhook } from '../verify.js'

const SECRET = 'shpss_0123456789abcdef0123456789abcdef'
const event = { id: 820982911946154, email: 'jon@example.com' }
const body = JSON.stringify(event)
const scheme = 'shopify' as const
const base = { scheme, secret: SECRET }
const mac = (payload: string = body, secret = SECRET) => hmac(secret, payload).toString('base64')
const headers = (extra: Record<string, string> = {}) => ({
  'x-shopify-hmac-sha256': mac(),
  'x-shopify-topic': 'orders/create',
  'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  ...extra,
})

describe('shopify', () => {
  it('verifies the base64 body HMAC; id from X-Shopify-Webhook-Id, type from the topic', async () => {
    const result = await verifyWebhook({ ...base, payload: body, headers: headers() })
    expect(result).toMatchObject({
      event,
      id: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      type: 'orders.create',
    })
  })

  it('has no timestamp to check', async () => {
    await expect(
      verify({ ...base, payload: body, headers: headers(), now: new Date('2000-01-01') }),
    ).resolves.toEqual(event)
  })

  it.each([
    ['hex instead of base64', () => hmac(SECRET, body).toString('hex')],
    ['unpadded base64', () => mac().replace(/=+$/, '')],
    ['bad base64', () => '!!!!'],
    ['a wrong secret', () => mac(body, 'other')],
    ['a truncated value', () => mac().slice(0, 20)],
  ])('INVALID_SIGNATURE for %s', async (_name, value) => {
    await expectCode(
      verify({ ...base, payload: body, headers: headers({ 'x-shopify-hmac-sha256': value() }) }),
      'INVALID_SIGNATURE',
    )
  })

  it('MISSING_HEADER without X-Shopify-Hmac-Sha256', async () => {
    await expectCode(verify({ ...base, payload: body, headers: {} }), 'MISSING_HEADER')
  })

  it('rotates over several secrets (the Shopify library takes one)', async () => {
    const h = headers({ 'x-shopify-hmac-sha256': mac(body, 'old-secret') })
    await expect(
      verify({ ...base, secret: [SECRET, 'old-secret'], payload: body, headers: h }),
    ).resolves.toEqual(event)
  })

  it('sign() writes the HMAC and a webhook id', async () => {
    const h = await sign({ scheme, payload: body, secret: SECRET, id: 'w-1' })
    expect(h).toEqual({ 'x-shopify-hmac-sha256': mac(), 'x-shopify-webhook-id': 'w-1' })
  })
})
