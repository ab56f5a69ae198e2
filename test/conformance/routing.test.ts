import { type SchemeName, sign } from '@hookguard/core'
import { createReceiver } from '@hookguard/core/adapter'
import { describe, expect, it } from 'vitest'

// Every built-in scheme feeds routing and idempotency the same way: the scheme finds the
// id and type, `on` routes on the type and the store deduplicates on the id.
const cases: Array<{
  scheme: SchemeName
  secret: string
  body: object
  extra?: Record<string, string>
  route: string
  type: string
}> = [
  {
    scheme: 'hookguard',
    secret: 'hookguard-secret',
    body: { id: 'evt_1', type: 'order.created' },
    route: 'order.*',
    type: 'order.created',
  },
  {
    scheme: 'standard-webhooks',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: { type: 'contact.created', data: {} },
    route: 'contact.created',
    type: 'contact.created',
  },
  {
    scheme: 'svix',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: { type: 'user.created', data: {} },
    route: 'user.*',
    type: 'user.created',
  },
  {
    scheme: 'stripe',
    secret: 'whsec_stripe',
    body: { id: 'evt_2', object: 'event', type: 'invoice.paid' },
    route: 'invoice.*',
    type: 'invoice.paid',
  },
  {
    scheme: 'github',
    secret: 'gh-secret',
    body: { action: 'opened', issue: { number: 1 } },
    extra: { 'x-github-event': 'issues' },
    route: 'issues.*',
    type: 'issues.opened',
  },
  {
    scheme: 'slack',
    secret: 'slack-signing-secret',
    body: { type: 'event_callback', event_id: 'Ev1', event: { type: 'app_mention' } },
    extra: { 'content-type': 'application/json' },
    route: 'app_mention',
    type: 'app_mention',
  },
  {
    scheme: 'shopify',
    secret: 'shpss_secret',
    body: { id: 1 },
    extra: { 'x-shopify-topic': 'orders/create' },
    route: 'orders.*',
    type: 'orders.create',
  },
]

describe('routing and idempotency across schemes', () => {
  it.each(cases)('$scheme: routes $type to "$route" once, then answers duplicate', async (c) => {
    const seen: Array<{ id: string; type: string }> = []
    const receiver = createReceiver({
      scheme: c.scheme,
      secret: c.secret,
      ack: 'after',
      on: {
        [c.route]: (_event, context) => {
          seen.push({ id: context.id, type: context.type })
        },
        '*': () => {
          throw new Error('the catch-all must not run')
        },
      },
    })
    const payload = JSON.stringify(c.body)
    const headers = { ...(await sign({ scheme: c.scheme, secret: c.secret, payload })), ...c.extra }
    const first = await receiver.receive({ payload, headers })
    expect(first).toMatchObject({ action: 'respond', status: 200, body: { received: true } })
    const again = await receiver.receive({ payload, headers })
    expect(again).toMatchObject({ action: 'respond', status: 200, body: { duplicate: true } })
    expect(seen).toHaveLength(1)
    expect(seen[0]?.type).toBe(c.type)
    expect(seen[0]?.id).toBeTruthy()
  })
})
