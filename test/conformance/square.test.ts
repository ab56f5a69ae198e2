import { sign, verify, verifyWebhook } from '@hookguard/core'
import { signSquare } from '@hookguard/test-kit'
import { SquareWebhooksHelper } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'
import { codeOf } from './codes.js'

const scheme = 'square' as const
const secret = 'sq0wss-signature-key-0123456789'
const url = 'https://example.com/square/webhooks'

describe('square: against square WebhooksHelper.verifySignature', () => {
  it('node:crypto signs → hookguard and the SDK accept', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, async (payload) => {
        const headers = signSquare(payload, { secret, url })
        expect(await verify({ scheme, secret, payload, headers, url })).toEqual(JSON.parse(payload))
        const sdk = await SquareWebhooksHelper.verifySignature({
          requestBody: payload,
          signatureHeader: headers['x-square-hmacsha256-signature'],
          signatureKey: secret,
          notificationUrl: url,
        })
        expect(sdk).toBe(true)
      }),
      { numRuns: 25 },
    )
  })

  it("hookguard's sign() → the SDK accepts", async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, async (payload) => {
        const headers = await sign({ scheme, secret, payload, url })
        const sdk = await SquareWebhooksHelper.verifySignature({
          requestBody: payload,
          signatureHeader: headers['x-square-hmacsha256-signature'] as string,
          signatureKey: secret,
          notificationUrl: url,
        })
        expect(sdk).toBe(true)
      }),
      { numRuns: 25 },
    )
  })

  it('id and type: event_id and type', async () => {
    const payload = JSON.stringify({ merchant_id: 'm', type: 'payment.updated', event_id: 'e-1' })
    const webhook = await verifyWebhook({
      scheme,
      secret,
      payload,
      url,
      headers: signSquare(payload, { secret, url }),
    })
    expect([webhook.id, webhook.type]).toEqual(['e-1', 'payment.updated'])
  })
})

describe('square: rejections, as the SDK rejects them', () => {
  const payload = JSON.stringify({ type: 'payment.created', event_id: 'e-2' })
  const headers = signSquare(payload, { secret, url })

  it('a tampered body', async () => {
    const tampered = payload.replace('created', 'updated')
    expect(await codeOf(verify({ scheme, secret, payload: tampered, headers, url }))).toBe(
      'INVALID_SIGNATURE',
    )
    expect(
      await SquareWebhooksHelper.verifySignature({
        requestBody: tampered,
        signatureHeader: headers['x-square-hmacsha256-signature'],
        signatureKey: secret,
        notificationUrl: url,
      }),
    ).toBe(false)
  })

  it('a wrong signature key', async () => {
    expect(await codeOf(verify({ scheme, secret: 'other', payload, headers, url }))).toBe(
      'INVALID_SIGNATURE',
    )
  })

  it('another notification URL (http behind a proxy): the message names the URL', async () => {
    await expect(
      verify({ scheme, secret, payload, headers, url: 'http://example.com/square/webhooks' }),
    ).rejects.toThrow(/http:\/\/example\.com\/square\/webhooks/)
  })

  it('a missing signature header', async () => {
    expect(await codeOf(verify({ scheme, secret, payload, headers: {}, url }))).toBe(
      'MISSING_HEADER',
    )
  })
})
