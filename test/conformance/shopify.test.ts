import { createHmac, timingSafeEqual } from 'node:crypto'
import { sign, verifyWebhook } from '@hookguard/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'

// Shopify's documented recipe (https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook):
// base64 HMAC-SHA256 of the raw body with the app's client secret, compared in constant time.
// No Shopify library is installed here, so the recipe itself, with node:crypto, is the reference.
const reference = (secret: string, body: string) =>
  createHmac('sha256', secret).update(body, 'utf8').digest('base64')
const referenceVerify = (secret: string, body: string, header: string) => {
  const expected = Buffer.from(reference(secret, body))
  const given = Buffer.from(header)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

const scheme = 'shopify' as const
const secretArb = fc.stringMatching(/^shpss_[0-9a-f]{32}$/)

describe('shopify: against the documented recipe', () => {
  it('reference-signed bodies verify, with id and type from the headers', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretArb, fc.uuid(), async (body, secret, webhookId) => {
        const headers = {
          'x-shopify-hmac-sha256': reference(secret, body),
          'x-shopify-topic': 'orders/create',
          'x-shopify-webhook-id': webhookId,
        }
        const result = await verifyWebhook({ scheme, secret, payload: body, headers })
        expect(result.event).toEqual(JSON.parse(body))
        expect(result).toMatchObject({ id: webhookId, type: 'orders.create' })
      }),
      { numRuns: 60 },
    )
  })

  it('hookguard signs → the reference accepts; a different secret does not', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretArb, secretArb, async (body, secret, other) => {
        fc.pre(secret !== other)
        const header = (await sign({ scheme, secret, payload: body }))[
          'x-shopify-hmac-sha256'
        ] as string
        expect(referenceVerify(secret, body, header)).toBe(true)
        expect(referenceVerify(other, body, header)).toBe(false)
      }),
      { numRuns: 60 },
    )
  })
})
