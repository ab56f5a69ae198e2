import { sign } from '@hookguard/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  app,
  createApp,
  DEV_SECRET,
  type ShopEvent,
  secretsFromEnv,
} from '../examples/fastify/src/app.js'

type FastifyInstance = ReturnType<typeof createApp>

const SECRET = 'whsec_fastify_example_test_secret'

const order: ShopEvent = {
  id: 'evt_order_1',
  type: 'order.created',
  created: 1764331200,
  data: { object: { id: 'ord_42', total: 1999 } },
}

const apps: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((instance) => instance.close()))
})

function recordingApp(secret: string | string[] = SECRET) {
  const orders: ShopEvent[] = []
  const instance = createApp({ secret, onOrderCreated: (event) => void orders.push(event) })
  apps.push(instance)
  return { instance, orders }
}

async function postSigned(instance: FastifyInstance, body: string, secret = SECRET) {
  const headers = await sign({ payload: body, secret })
  return instance.inject({
    method: 'POST',
    url: '/webhooks',
    payload: body,
    headers: { ...headers, 'content-type': 'application/json' },
  })
}

describe('examples/fastify', () => {
  it('verifies an order.created event and runs its handler', async () => {
    const { instance, orders } = recordingApp()
    const res = await postSigned(instance, JSON.stringify(order))
    expect([res.statusCode, res.json()]).toEqual([200, { received: true }])
    // ack: 'before': the 200 comes once the event is claimed; the handler runs right after.
    await vi.waitFor(() => expect(orders).toEqual([order]))
  })

  it('acknowledges other event types without running the order handler', async () => {
    const { instance, orders } = recordingApp()
    const res = await postSigned(instance, JSON.stringify({ ...order, type: 'order.updated' }))
    expect(res.statusCode).toBe(200)
    expect(orders).toEqual([])
  })

  it('rejects a tampered event with 401 INVALID_SIGNATURE and runs nothing', async () => {
    const { instance, orders } = recordingApp()
    const headers = await sign({ payload: JSON.stringify(order), secret: SECRET })
    const tampered = JSON.stringify({ ...order, data: { object: { id: 'ord_42', total: 1 } } })
    const res = await instance.inject({
      method: 'POST',
      url: '/webhooks',
      payload: tampered,
      headers: { ...headers, 'content-type': 'application/json' },
    })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ error: expect.any(String), code: 'INVALID_SIGNATURE' })
    expect(orders).toEqual([])
  })

  it('rejects an unsigned event with 401 MISSING_HEADER', async () => {
    const { instance } = recordingApp()
    const res = await instance.inject({ method: 'POST', url: '/webhooks', payload: order })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('MISSING_HEADER')
  })

  it('accepts either secret while rotating', async () => {
    const { instance, orders } = recordingApp(['whsec_new', 'whsec_old'])
    for (const secret of ['whsec_new', 'whsec_old']) {
      const res = await postSigned(instance, JSON.stringify({ ...order, id: secret }), secret)
      expect(res.statusCode).toBe(200)
    }
    await vi.waitFor(() => expect(orders.map((o) => o.id)).toEqual(['whsec_new', 'whsec_old']))
  })

  it('answers a redelivery as a duplicate without running the handler again', async () => {
    const { instance, orders } = recordingApp()
    const first = await postSigned(instance, JSON.stringify(order))
    expect(first.json()).toEqual({ received: true })
    // ack: 'before' runs the handler after the 200; until it completed, a redelivery is 409.
    await vi.waitFor(
      async () =>
        expect((await postSigned(instance, JSON.stringify(order))).json()).toEqual({
          received: true,
          duplicate: true,
        }),
      { timeout: 10_000 },
    )
    expect(orders).toHaveLength(1)
  })

  it('keeps Fastify JSON parsing on /api/echo', async () => {
    const { instance } = recordingApp()
    const ok = await instance.inject({ method: 'POST', url: '/api/echo', payload: { a: [1, 2] } })
    expect(ok.json()).toEqual({ echo: { a: [1, 2] } })
    const broken = await instance.inject({
      method: 'POST',
      url: '/api/echo',
      payload: '{"a":',
      headers: { 'content-type': 'application/json' },
    })
    expect(broken.statusCode).toBe(400)
  })

  it('serves over a real socket', async () => {
    const { instance, orders } = recordingApp()
    const base = await instance.listen({ port: 0, host: '127.0.0.1' })
    const body = JSON.stringify(order)
    const res = await fetch(`${base}/webhooks`, {
      method: 'POST',
      body,
      headers: await sign({ payload: body, secret: SECRET }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ received: true })
    // ack: 'before': the 200 comes once the event is claimed; the handler runs right after.
    await vi.waitFor(() => expect(orders).toEqual([order]))
  })

  it('reads secrets from WEBHOOK_SECRET, comma-separated, with a dev default', () => {
    expect(secretsFromEnv({ WEBHOOK_SECRET: ' whsec_a, whsec_b ,,' })).toEqual([
      'whsec_a',
      'whsec_b',
    ])
    expect(secretsFromEnv({})).toEqual([DEV_SECRET])
    expect(secretsFromEnv({ WEBHOOK_SECRET: ' , ' })).toEqual([DEV_SECRET])
  })

  it('exports an app configured from the environment', async () => {
    const body = JSON.stringify({ ...order, type: 'order.archived' })
    const [secret] = secretsFromEnv()
    const res = await postSigned(app, body, secret)
    expect(res.statusCode).toBe(200)
    const forged = await postSigned(app, body, 'whsec_someone_else')
    expect(forged.statusCode).toBe(401)
    await app.close()
  })
})
