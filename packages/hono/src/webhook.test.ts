import { WebhookVerificationError } from '@hookguard/core'
import { BODY, EVENT, NOW, NOW_S, SECRET, signedInit, signHookguard } from '@hookguard/test-kit'
import { type Context, Hono } from 'hono'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { HonoWebhookOptions } from './options.js'
import type { WebhookEnv } from './types.js'
import { webhook } from './webhook.js'

type OrderEvent = typeof EVENT

function appWith(options: HonoWebhookOptions = { secret: SECRET, now: NOW }) {
  const seen: unknown[] = []
  const app = new Hono()
  app.post('/webhooks', webhook<OrderEvent>(options), (c) => {
    seen.push(c.get('webhook'))
    return c.json({ received: true, id: c.get('webhook').id })
  })
  return { app, seen }
}

async function expectRejected(response: Response, code: string, status: number) {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await response.json()) as { error: string; code: string }
  expect(body.code).toBe(code)
  expect(typeof body.error).toBe('string')
  expect(body.error.length).toBeGreaterThan(0)
  expect(body.error).not.toContain(SECRET)
  return body
}

describe('webhook() verification', () => {
  it('hands a valid webhook to the route handler as c.get("webhook")', async () => {
    const { app, seen } = appWith()
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true, id: 'evt_1' })
    expect(seen).toEqual([EVENT])
  })

  it('accepts a signature by any of several secrets (rotation)', async () => {
    const { app } = appWith({ secret: ['whsec_new_secret_value', SECRET], now: NOW })
    expect((await app.request('/webhooks', signedInit())).status).toBe(200)
  })

  it('MISSING_HEADER (401) without a signature header, and the handler does not run', async () => {
    const { app, seen } = appWith()
    const response = await app.request('/webhooks', {
      method: 'POST',
      body: BODY,
      headers: { 'x-webhook-timestamp': String(NOW_S) },
    })
    await expectRejected(response, 'MISSING_HEADER', 401)
    expect(seen).toEqual([])
  })

  it('INVALID_SIGNATURE (401) for a tampered body', async () => {
    const { app, seen } = appWith()
    const init = signedInit()
    const response = await app.request('/webhooks', {
      ...init,
      body: BODY.replace('4200', '1'),
    })
    await expectRejected(response, 'INVALID_SIGNATURE', 401)
    expect(seen).toEqual([])
  })

  it('INVALID_SIGNATURE (401) for a signature by another secret', async () => {
    const { app } = appWith()
    const response = await app.request('/webhooks', signedInit(BODY, { secret: 'whsec_other' }))
    await expectRejected(response, 'INVALID_SIGNATURE', 401)
  })

  it('INVALID_TIMESTAMP (401) for a timestamp that is not whole seconds', async () => {
    const { app } = appWith()
    const response = await app.request('/webhooks', {
      method: 'POST',
      body: BODY,
      headers: { ...signHookguard(BODY), 'x-webhook-timestamp': `${NOW_S}.5` },
    })
    await expectRejected(response, 'INVALID_TIMESTAMP', 401)
  })

  it('TIMESTAMP_EXPIRED (401) for an authentic but stale request', async () => {
    const { app } = appWith()
    const response = await app.request('/webhooks', signedInit(BODY, { timestamp: NOW_S - 301 }))
    await expectRejected(response, 'TIMESTAMP_EXPIRED', 401)
  })

  it('honours toleranceSeconds', async () => {
    const { app } = appWith({ secret: SECRET, now: NOW, toleranceSeconds: 600 })
    const response = await app.request('/webhooks', signedInit(BODY, { timestamp: NOW_S - 301 }))
    expect(response.status).toBe(200)
  })

  it('INVALID_PAYLOAD (400) for a correctly signed body that is not JSON', async () => {
    const { app } = appWith()
    const response = await app.request('/webhooks', signedInit('not json'))
    await expectRejected(response, 'INVALID_PAYLOAD', 400)
  })

  it('verifies the bytes as received: a BOM and invalid UTF-8 still verify', async () => {
    const { app, seen } = appWith()
    // A JSON body that starts with a BOM and embeds a stray 0xff inside a string.
    const withInvalid = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('{"id":"evt_2","type":"x","note":"'),
      0xff,
      ...new TextEncoder().encode('"}'),
    ])
    const response = await app.request('/webhooks', signedInit(withInvalid))
    expect(response.status).toBe(200)
    expect(seen).toEqual([{ id: 'evt_2', type: 'x', note: '\ufffd' }])
  })

  it('works with app.use on a path as well as on a route', async () => {
    const app = new Hono<WebhookEnv<OrderEvent>>()
    app.use('/hooks/*', webhook<OrderEvent>({ secret: SECRET, now: NOW }))
    app.post('/hooks/orders', (c) => c.json({ type: c.get('webhook').type }))
    expect(await (await app.request('/hooks/orders', signedInit())).json()).toEqual({
      type: 'order.created',
    })
    const rejected = await app.request('/hooks/orders', signedInit(BODY, { secret: 'whsec_x' }))
    expect(rejected.status).toBe(401)
  })

  it('keeps headers set by earlier middleware on the error response', async () => {
    const app = new Hono()
    app.use(async (c, next) => {
      c.header('x-request-id', 'req_1')
      await next()
    })
    app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (c) => c.text('ok'))
    const response = await app.request('/webhooks', signedInit(BODY, { secret: 'whsec_x' }))
    expect(response.status).toBe(401)
    expect(response.headers.get('x-request-id')).toBe('req_1')
  })
})

describe('webhook() onError', () => {
  it('lets onError answer a rejection, with the error and the context', async () => {
    const calls: Array<{ code: string; path: string }> = []
    const app = new Hono()
    app.post(
      '/webhooks',
      webhook({
        secret: SECRET,
        now: NOW,
        onError: (error, c) => {
          calls.push({ code: error.code, path: c.req.path })
          expect(error).toBeInstanceOf(WebhookVerificationError)
          return c.text(`rejected: ${error.code}`, 418)
        },
      }),
      (c) => c.text('ok'),
    )
    const response = await app.request('/webhooks', signedInit(BODY, { secret: 'whsec_x' }))
    expect(response.status).toBe(418)
    expect(await response.text()).toBe('rejected: INVALID_SIGNATURE')
    expect(calls).toEqual([{ code: 'INVALID_SIGNATURE', path: '/webhooks' }])
    // onError is not consulted for valid webhooks.
    expect((await app.request('/webhooks', signedInit())).status).toBe(200)
    expect(calls).toHaveLength(1)
  })

  it('awaits an async onError, and sees PAYLOAD_TOO_LARGE too', async () => {
    const app = new Hono()
    app.post(
      '/webhooks',
      webhook({
        secret: SECRET,
        now: NOW,
        maxBodyBytes: 16,
        onError: async (error, c) => {
          await new Promise((resolve) => setTimeout(resolve, 1))
          return c.json({ mine: error.code }, 422)
        },
      }),
      (c) => c.text('ok'),
    )
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({ mine: 'PAYLOAD_TOO_LARGE' })
  })

  it('leaves an onError that throws to Hono`s error handler (no crash, no hang)', async () => {
    const app = new Hono()
    app.onError((error, c) => c.text(`app.onError: ${error.message}`, 500))
    app.post(
      '/webhooks',
      webhook({
        secret: SECRET,
        onError: () => {
          throw new Error('boom')
        },
      }),
      (c) => c.text('ok'),
    )
    const response = await app.request('/webhooks', { method: 'POST', body: BODY })
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('app.onError: boom')
  })
})

describe('webhook() options', () => {
  it.each([
    ['no options', undefined],
    ['a missing secret', {}],
    ['an empty secret', { secret: '' }],
    ['an empty secret list', { secret: [] }],
    ['a negative tolerance', { secret: SECRET, toleranceSeconds: -1 }],
    ['an invalid clock', { secret: SECRET, now: new Date(Number.NaN) }],
    ['an unknown scheme', { secret: SECRET, scheme: 'nope' }],
    ['a zero maxBodyBytes', { secret: SECRET, maxBodyBytes: 0 }],
    ['a fractional maxBodyBytes', { secret: SECRET, maxBodyBytes: 1.5 }],
    ['a string maxBodyBytes', { secret: SECRET, maxBodyBytes: '1mb' }],
    ['an onError that is not a function', { secret: SECRET, onError: 'log' }],
  ])('throws a TypeError at construction for %s', (_name, options) => {
    expect(() => webhook(options as never)).toThrow(TypeError)
  })

  it('never puts the secret in a TypeError message', () => {
    try {
      webhook({ secret: SECRET, maxBodyBytes: -5 })
      expect.unreachable()
    } catch (error) {
      expect(String(error)).not.toContain(SECRET)
    }
  })

  it('applies maxBodyBytes: a body of exactly the limit passes, one byte more is 413', async () => {
    const limit = new TextEncoder().encode(BODY).byteLength
    const { app } = appWith({ secret: SECRET, now: NOW, maxBodyBytes: limit })
    expect((await app.request('/webhooks', signedInit())).status).toBe(200)
    const { app: smaller } = appWith({ secret: SECRET, now: NOW, maxBodyBytes: limit - 1 })
    await expectRejected(await smaller.request('/webhooks', signedInit()), 'PAYLOAD_TOO_LARGE', 413)
  })
})

describe('webhook() types', () => {
  it('types c.get("webhook") in the route handler from the middleware', async () => {
    const app = new Hono()
    app.post('/webhooks', webhook<OrderEvent>({ secret: SECRET, now: NOW }), (c) => {
      expectTypeOf(c.get('webhook')).toEqualTypeOf<OrderEvent>()
      return c.json({ amount: c.get('webhook').data.object.amount })
    })
    const response = await app.request('/webhooks', signedInit())
    expect(await response.json()).toEqual({ amount: 4200 })
  })

  it("types c.get('webhook') after app.use on a path: on a typed app, and along a chain", async () => {
    const app = new Hono<WebhookEnv<OrderEvent>>()
    app.use('/webhooks/*', webhook<OrderEvent>({ secret: SECRET, now: NOW }))
    app.post('/webhooks/orders', (c) => {
      expectTypeOf(c.get('webhook')).toEqualTypeOf<OrderEvent>()
      return c.json({ id: c.get('webhook').id })
    })
    const chained = new Hono()
      .use('/webhooks/*', webhook<OrderEvent>({ secret: SECRET, now: NOW }))
      .post('/webhooks/orders', (c) => {
        expectTypeOf(c.get('webhook')).toEqualTypeOf<OrderEvent>()
        return c.json({ id: c.get('webhook').id })
      })
    for (const target of [app, chained]) {
      const response = await target.request('/webhooks/orders', signedInit())
      expect(await response.json()).toEqual({ id: 'evt_1' })
    }
  })

  it('exposes WebhookEnv for handlers declared on their own', async () => {
    const handle = (c: Context<WebhookEnv<OrderEvent>>) => c.json({ id: c.get('webhook').id })
    const app = new Hono<WebhookEnv<OrderEvent>>()
    app.post('/webhooks', webhook<OrderEvent>({ secret: SECRET, now: NOW }), handle)
    expect(await (await app.request('/webhooks', signedInit())).json()).toEqual({ id: 'evt_1' })
  })
})
