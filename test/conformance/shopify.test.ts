import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { type Inbox, type InboxEntry, sign, verifyWebhook } from '@hookguard/core'
import { createReceiver, type Outcome } from '@hookguard/core/adapter'
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

// #14: only the body is signed, so the webhook id and the topic can be changed by whoever
// captured a delivery. The default key is the topic and the body's SHA-256.
describe('shopify: idempotency on what is signed', () => {
  const secret = 'shpss_0123456789abcdef0123456789abcdef'
  const body = '{"id":820982911946154508,"updated_at":"2026-11-28T12:00:00-05:00"}'
  const delivery = (webhookId: string, topic = 'orders/create', payload = body) => ({
    payload,
    headers: {
      'x-shopify-hmac-sha256': reference(secret, payload),
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': webhookId,
    },
  })
  const receiverWith = (
    ran: string[],
    options: { idempotencyKey?: (w: { id: string | undefined }) => string | undefined } = {},
  ) =>
    createReceiver({
      scheme,
      secret,
      ack: 'after',
      ...options,
      on: { 'orders.*': (_event, { id, type }) => void ran.push(`${type} ${id}`) },
    })
  const statuses = (outcomes: Outcome[]) =>
    outcomes.map((o) => (o.action === 'respond' ? o.status : 'next'))

  it('a captured body resent under a new webhook id is a duplicate; handlers get the first id', async () => {
    const ran: string[] = []
    const receiver = receiverWith(ran)
    const first = await receiver.receive(delivery('wh-1'))
    const replayed = await receiver.receive(delivery('wh-forged'))
    expect(statuses([first, replayed])).toEqual([200, 200])
    expect(replayed).toMatchObject({ body: { duplicate: true } })
    expect(ran).toEqual(['orders.create wh-1'])
    await receiver.close()
  })

  it('the same body under another topic runs (Shopify sends one order for several topics)', async () => {
    const ran: string[] = []
    const receiver = receiverWith(ran)
    await receiver.receive(delivery('wh-1', 'orders/create'))
    await receiver.receive(delivery('wh-2', 'orders/updated'))
    expect(ran).toEqual(['orders.create wh-1', 'orders.updated wh-2'])
    await receiver.close()
  })

  it('another body under the same webhook id is another event, not a mismatch', async () => {
    const ran: string[] = []
    const receiver = receiverWith(ran)
    const other = body.replace('12:00:00', '12:00:01')
    const outcomes = [
      await receiver.receive(delivery('wh-1')),
      await receiver.receive(delivery('wh-1', 'orders/create', other)),
    ]
    expect(statuses(outcomes)).toEqual([200, 200])
    expect(ran).toHaveLength(2)
    await receiver.close()
  })

  it('idempotencyKey: (webhook) => webhook.id keys on the webhook id again', async () => {
    const ran: string[] = []
    const receiver = receiverWith(ran, { idempotencyKey: (webhook) => webhook.id })
    await receiver.receive(delivery('wh-1'))
    await receiver.receive(delivery('wh-forged'))
    expect(ran).toEqual(['orders.create wh-1', 'orders.create wh-forged'])
    await receiver.close()
  })

  it('an inbox gets the same key: scheme, topic and the body digest', async () => {
    const entries: InboxEntry[] = []
    const inbox: Inbox = {
      accept: async (entry) => {
        const seen = entries.some((e) => e.key === entry.key)
        entries.push(entry)
        return { status: seen ? 'duplicate' : 'accepted' }
      },
      close: async () => {},
    }
    const receiver = createReceiver({ scheme, secret, inbox })
    const first = await receiver.receive(delivery('wh-1'))
    const replayed = await receiver.receive(delivery('wh-forged'))
    const digest = createHash('sha256').update(body).digest('hex')
    expect(entries.map((e) => [e.key, e.id])).toEqual([
      [`shopify:orders.create:${digest}`, 'wh-1'],
      [`shopify:orders.create:${digest}`, 'wh-forged'],
    ])
    expect(statuses([first, replayed])).toEqual([200, 200])
    expect(replayed).toMatchObject({ body: { duplicate: true } })
    await receiver.close()
  })
})
