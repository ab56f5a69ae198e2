import type { IdempotencyStore } from '@hookguard/core'
import { BODY, EVENT, NOW, SECRET } from '@hookguard/test-kit'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { type FastifyWebhookOptions, hookguard } from './index.js'
import { post, signedJson, versions } from './test-harness.js'

/** A promise and its resolve, to wait for background work without sleeping. */
function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe.each(versions)('$name: on handlers (the plugin answers itself)', ({ fastify }) => {
  const apps: FastifyInstance[] = []
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()))
  })

  async function build(options: FastifyWebhookOptions) {
    const app = fastify()
    apps.push(app)
    await app.register(hookguard, { secret: SECRET, now: NOW, ...options })
    const order: string[] = []
    const handled = { count: 0 }
    app.addHook('onResponse', async (request) => {
      order.push(`response:${(request.webhook as { id?: string } | null)?.id ?? 'none'}`)
    })
    app.post('/webhooks', { config: { webhook: true } }, async () => {
      handled.count++
      return 'route handler'
    })
    return { app, order, handled }
  }

  const send = (app: FastifyInstance, payload = BODY) =>
    app.inject({ method: 'POST', url: '/webhooks', payload, headers: signedJson(payload) })

  it("acknowledges with 200 and runs the handler after the response (ack: 'before')", async () => {
    const ran = deferred<unknown>()
    const { app, order, handled } = await build({
      on: {
        'order.created': (received) => {
          order.push('handler')
          ran.resolve(received)
        },
      },
    })
    const res = await send(app)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ received: true })
    expect(await ran.promise).toEqual(EVENT)
    expect(order).toEqual([`response:${EVENT.id}`, 'handler'])
    expect(handled.count).toBe(0)
  })

  it('starts the handler only once an async onSend hook has let the answer out', async () => {
    const ran = deferred()
    const { app, order } = await build({
      on: {
        'order.created': () => {
          order.push('handler')
          ran.resolve()
        },
      },
    })
    app.addHook('onSend', async () => {
      order.push('onSend began')
      await new Promise((resolve) => setTimeout(resolve, 30))
      order.push('onSend ended')
    })
    const res = await send(app)
    expect(res.statusCode).toBe(200)
    await ran.promise
    expect(order).toEqual(['onSend began', 'onSend ended', `response:${EVENT.id}`, 'handler'])
  })

  it('answers a duplicate without running the handler again', async () => {
    let runs = 0
    const { app } = await build({ on: { 'order.*': () => void runs++ }, ack: 'after' })
    const first = await send(app)
    const second = await send(app)
    expect(first.json()).toEqual({ received: true })
    expect(second.statusCode).toBe(200)
    expect(second.json()).toEqual({ received: true, duplicate: true })
    expect(runs).toBe(1)
  })

  it("answers 500 when the handler fails under ack: 'after'", async () => {
    const { app } = await build({
      ack: 'after',
      on: {
        'order.created': () => {
          throw new Error('fulfilment down')
        },
      },
    })
    const res = await send(app)
    expect(res.statusCode).toBe(500)
    expect(res.json().code).toBe('HANDLER_FAILED')
  })

  it("passes the outcome's headers on (503 with Retry-After when the store is down)", async () => {
    const down = () => Promise.reject(new Error('store unreachable'))
    const store: IdempotencyStore = {
      begin: down,
      extend: down,
      complete: down,
      release: down,
    } as unknown as IdempotencyStore
    const { app } = await build({ store, on: { '*': () => {} } })
    const res = await send(app)
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('5')
    expect(res.json().code).toBe('STORE_UNAVAILABLE')
  })

  it('acknowledges and ignores a type no handler matches', async () => {
    let runs = 0
    const { app, handled } = await build({ on: { 'invoice.*': () => void runs++ } })
    const res = await send(app)
    expect([res.statusCode, res.json()]).toEqual([200, { received: true }])
    expect(runs + handled.count).toBe(0)
  })

  it('takes on handlers from the route options', async () => {
    const app = fastify()
    apps.push(app)
    await app.register(hookguard, { secret: SECRET, now: NOW })
    const ran = deferred<unknown>()
    app.post(
      '/orders',
      { config: { webhook: { on: { 'order.created': (received) => ran.resolve(received) } } } },
      async () => 'unreachable',
    )
    const res = await post(app, '/orders', BODY, signedJson(BODY))
    expect(res.json()).toEqual({ received: true })
    expect(await ran.promise).toEqual(EVENT)
  })

  it('still rejects an unverified request with { error, code }', async () => {
    let runs = 0
    const { app } = await build({ on: { '*': () => void runs++ } })
    const res = await post(app, '/webhooks', BODY)
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('MISSING_HEADER')
    expect(runs).toBe(0)
  })
})
