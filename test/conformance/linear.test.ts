// Linear against @linear/sdk's webhook client (LinearWebhookClient), which verifies but cannot
// sign: hookguard's sign() → the SDK's verify and its own request handler, over fast-check bodies;
// Linear's documented recipe (the kit's node:crypto signer) → hookguard; the SDK's rejections
// beside hookguard's. The SDK reads the clock itself, so bodies carry the current time.
import { sign, verify, verifyWebhook } from '@hookguard/core'
import { OTHER_SECRET, SECRET, signLinear } from '@hookguard/test-kit'
import { LinearWebhookClient } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { codeOf } from './codes.js'

const scheme = 'linear' as const
const sdk = new LinearWebhookClient(SECRET)

const body = (data: unknown, at = Date.now()) =>
  JSON.stringify({ action: 'create', type: 'Issue', data, webhookTimestamp: at })

/** What the SDK says of a request: true, or the message it throws. */
function sdkVerdict(payload: string, signature: string | undefined): boolean | string {
  try {
    return sdk.verify(Buffer.from(payload), signature ?? '')
  } catch (error) {
    return (error as Error).message
  }
}

describe('linear: against @linear/sdk LinearWebhookClient', () => {
  it("hookguard's sign() → the SDK verifies and parses; hookguard verifies the same", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (data) => {
        const payload = body(data)
        const headers = await sign({ scheme, secret: SECRET, payload })
        expect(sdkVerdict(payload, headers['linear-signature'])).toBe(true)
        expect(sdk.parseData(Buffer.from(payload), headers['linear-signature'] as string)).toEqual(
          JSON.parse(payload),
        )
        expect(await verify({ scheme, secret: SECRET, payload, headers })).toEqual(
          JSON.parse(payload),
        )
      }),
      { numRuns: 30 },
    )
  })

  it("the SDK's own request handler answers 200 to a hookguard-signed request and routes it", async () => {
    const handler = sdk.createHandler()
    const seen: unknown[] = []
    handler.on('Issue', (event) => void seen.push(event))
    const payload = body({ id: 'iss_1', title: 'Fix it' })
    const headers = await sign({ scheme, secret: SECRET, payload })
    const response = await handler(
      new Request('https://example.com/linear', { method: 'POST', body: payload, headers }),
    )
    expect(response.status).toBe(200)
    expect(seen).toEqual([JSON.parse(payload)])
  })

  it("Linear's documented recipe (the kit's signer) → hookguard and the SDK agree", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (data) => {
        const payload = body(data)
        const headers = signLinear(payload)
        expect(sdkVerdict(payload, headers['linear-signature'])).toBe(true)
        const webhook = await verifyWebhook({ scheme, secret: SECRET, payload, headers })
        expect([webhook.id, webhook.type]).toEqual([headers['linear-delivery'], 'Issue.create'])
      }),
      { numRuns: 30 },
    )
  })
})

describe('linear: rejections, beside the SDK', () => {
  it('a tampered body', async () => {
    const payload = body({ n: 1 })
    const headers = signLinear(payload)
    const tampered = payload.replace('"n":1', '"n":2')
    expect(sdkVerdict(tampered, headers['linear-signature'])).toBe('Invalid webhook signature')
    expect(await codeOf(verify({ scheme, secret: SECRET, payload: tampered, headers }))).toBe(
      'INVALID_SIGNATURE',
    )
  })

  it('another secret', async () => {
    const payload = body({ n: 1 })
    const headers = signLinear(payload, OTHER_SECRET)
    expect(sdkVerdict(payload, headers['linear-signature'])).toBe('Invalid webhook signature')
    expect(await codeOf(verify({ scheme, secret: SECRET, payload, headers }))).toBe(
      'INVALID_SIGNATURE',
    )
  })

  it('a webhookTimestamp more than 60 s away, or none', async () => {
    for (const payload of [
      body({ n: 1 }, Date.now() - 61_000),
      body({ n: 1 }, Date.now() + 61_000),
      JSON.stringify({ type: 'Issue', action: 'create' }),
    ]) {
      const headers = signLinear(payload)
      expect(sdkVerdict(payload, headers['linear-signature'])).toMatch(/webhook timestamp/)
      expect(await codeOf(verify({ scheme, secret: SECRET, payload, headers }))).toBe(
        'TIMESTAMP_EXPIRED',
      )
    }
  })

  it('a missing Linear-Signature', async () => {
    const payload = body({ n: 1 })
    const response = await sdk.createHandler()(
      new Request('https://example.com/linear', { method: 'POST', body: payload }),
    )
    expect(response.status).toBe(400)
    expect(await codeOf(verify({ scheme, secret: SECRET, payload, headers: {} }))).toBe(
      'MISSING_HEADER',
    )
  })
})
