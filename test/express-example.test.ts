import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sign } from '@hookguard/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  app,
  createApp,
  DEV_SECRET,
  type ShopEvent,
  secretsFromEnv,
} from '../examples/express/src/app.js'

const SECRET = 'whsec_example_test_secret'

const order: ShopEvent = {
  id: 'evt_order_1',
  type: 'order.created',
  created: 1764331200,
  data: { object: { id: 'ord_42', total: 1999 } },
}

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** Serves `target` on a free loopback port and returns its base URL. */
function serve(target: ReturnType<typeof createApp>): Promise<string> {
  return new Promise((resolve) => {
    const server = target.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    })
    servers.push(server)
  })
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
  return { status: response.status, body: await response.json() }
}

async function postSigned(base: string, body: string, secret = SECRET) {
  return post(`${base}/webhooks`, body, await sign({ payload: body, secret }))
}

async function recordingApp(secret: string | string[] = SECRET) {
  const orders: ShopEvent[] = []
  const base = await serve(
    createApp({ secret, onOrderCreated: (event) => void orders.push(event) }),
  )
  return { base, orders }
}

describe('examples/express', () => {
  it('verifies an order.created event and runs its handler', async () => {
    const { base, orders } = await recordingApp()
    const res = await postSigned(base, JSON.stringify(order))
    expect(res).toEqual({ status: 200, body: { received: true } })
    // ack: 'before': the 200 comes once the event is claimed; the handler runs right after.
    await vi.waitFor(() => expect(orders).toEqual([order]))
  })

  it('acknowledges other event types without running the order handler', async () => {
    const { base, orders } = await recordingApp()
    const res = await postSigned(
      base,
      JSON.stringify({ ...order, id: 'evt_2', type: 'order.updated' }),
    )
    expect(res.status).toBe(200)
    expect(orders).toEqual([])
  })

  it('rejects a tampered event with 401 INVALID_SIGNATURE', async () => {
    const { base, orders } = await recordingApp()
    const body = JSON.stringify(order)
    const headers = await sign({ payload: body, secret: SECRET })
    const res = await post(`${base}/webhooks`, body.replace('1999', '1'), headers)
    expect(res).toEqual({
      status: 401,
      body: { error: expect.any(String), code: 'INVALID_SIGNATURE' },
    })
    expect(orders).toEqual([])
  })

  it('rejects an unsigned request with 401 MISSING_HEADER', async () => {
    const { base, orders } = await recordingApp()
    const res = await post(`${base}/webhooks`, JSON.stringify(order))
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('MISSING_HEADER')
    expect(orders).toEqual([])
  })

  it('keeps express.json() working on the echo route', async () => {
    const { base } = await recordingApp()
    const res = await post(`${base}/api/echo`, JSON.stringify({ hello: 'world', n: 1 }))
    expect(res).toEqual({ status: 200, body: { echo: { hello: 'world', n: 1 } } })
  })

  it('accepts either secret while rotating', async () => {
    const { base, orders } = await recordingApp(['whsec_new_rotated_secret', SECRET])
    const body = (id: string) => JSON.stringify({ ...order, id })
    expect((await postSigned(base, body('evt_a'), 'whsec_new_rotated_secret')).status).toBe(200)
    expect((await postSigned(base, body('evt_b'), SECRET)).status).toBe(200)
    expect((await postSigned(base, body('evt_c'), 'whsec_retired_secret')).status).toBe(401)
    await vi.waitFor(() => expect(orders.map((o) => o.id)).toEqual(['evt_a', 'evt_b']))
  })

  it('answers a redelivery as a duplicate without running the handler again', async () => {
    const { base, orders } = await recordingApp()
    const body = JSON.stringify(order)
    expect(await postSigned(base, body)).toEqual({ status: 200, body: { received: true } })
    // ack: 'before' runs the handler after the 200; until it completed, a redelivery is 409.
    await vi.waitFor(
      async () =>
        expect(await postSigned(base, body)).toEqual({
          status: 200,
          body: { received: true, duplicate: true },
        }),
      { timeout: 10_000 },
    )
    expect(orders).toHaveLength(1)
  })

  it('exposes /metrics: deliveries by code and status, handler runs by result, latency histograms', async () => {
    const { base } = await recordingApp()
    const body = JSON.stringify(order)
    await postSigned(base, body)
    await postSigned(base, body)
    await postSigned(base, body, 'whsec_wrong')
    const response = await fetch(`${base}/metrics`)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await response.text()
    expect(text).toContain(
      'hookguard_deliveries_total{scheme="hookguard",code="RECEIVED",status="200"} 1\n',
    )
    expect(text).toContain(
      'hookguard_deliveries_total{scheme="hookguard",code="DUPLICATE",status="200"} 1\n',
    )
    expect(text).toContain(
      'hookguard_deliveries_total{scheme="hookguard",code="INVALID_SIGNATURE",status="401"} 1\n',
    )
    expect(text).toContain(
      'hookguard_delivery_duration_seconds_count{scheme="hookguard",code="RECEIVED"} 1\n',
    )
    await vi.waitFor(async () => {
      const later = await (await fetch(`${base}/metrics`)).text()
      expect(later).toContain('hookguard_handler_runs_total{type="order.created",result="ok"} 1\n')
    })
  })

  it('reads comma-separated secrets from WEBHOOK_SECRET, with a dev default', () => {
    expect(secretsFromEnv({ WEBHOOK_SECRET: ' whsec_new , whsec_old ,' })).toEqual([
      'whsec_new',
      'whsec_old',
    ])
    expect(secretsFromEnv({})).toEqual([DEV_SECRET])
    expect(secretsFromEnv({ WEBHOOK_SECRET: ' , ' })).toEqual([DEV_SECRET])
  })

  it('exports a ready app configured from the environment', async () => {
    const [secret] = secretsFromEnv()
    const base = await serve(app)
    const res = await postSigned(base, JSON.stringify({ ...order, type: 'ping' }), secret)
    expect(res).toEqual({ status: 200, body: { received: true } })
  })
})
