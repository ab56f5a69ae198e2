import { MemoryIdempotencyStore } from '@hookguard/core'
import { BODY, EVENT, NOW, SECRET, signedInit } from '@hookguard/test-kit'
import { Hono } from 'hono'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { HonoWebhookOptions } from './options.js'
import type { WebhookEnv } from './types.js'
import { webhook } from './webhook.js'

type OrderEvent = typeof EVENT

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

/** A route whose own handler must never run: with `on` handlers the middleware answers. */
function processingApp(options: Omit<HonoWebhookOptions<OrderEvent>, 'secret'>) {
  const app = new Hono<WebhookEnv<OrderEvent>>()
  const seenByOuter: Array<string | undefined> = []
  app.use(async (c, next) => {
    await next()
    seenByOuter.push(c.get('webhook')?.id)
  })
  let routeHandlerRuns = 0
  app.post('/webhooks', webhook<OrderEvent>({ secret: SECRET, now: NOW, ...options }), (c) => {
    routeHandlerRuns++
    return c.text('route handler')
  })
  return { app, seenByOuter, routeHandlerRuns: () => routeHandlerRuns }
}

/** The ExecutionContext shape Workers pass as the fourth argument of `fetch`. */
function executionContext() {
  const tasks: Promise<unknown>[] = []
  const ctx = {
    waitUntil: (task: Promise<unknown>) => void tasks.push(task),
    passThroughOnException: () => {},
    props: {},
  }
  return { tasks, ctx }
}

describe('webhook() with on handlers', () => {
  it("ack 'before' (default): answers 200 first, then runs the handler once, after the response", async () => {
    const handled: Array<{ event: OrderEvent; attempt: number }> = []
    const { app, routeHandlerRuns } = processingApp({
      on: { 'order.created': (event, { attempt }) => void handled.push({ event, attempt }) },
    })
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true })
    expect(handled).toEqual([])
    await tick()
    expect(handled).toEqual([{ event: EVENT, attempt: 1 }])
    expect(routeHandlerRuns()).toBe(0)
  })

  it('gives the background work to executionCtx.waitUntil where there is one', async () => {
    const handled: string[] = []
    const { app } = processingApp({
      on: {
        'order.*': async (event) => {
          await tick()
          handled.push(event.id)
        },
      },
    })
    const { tasks, ctx } = executionContext()
    const response = await app.request('/webhooks', signedInit(), {}, ctx)
    expect(response.status).toBe(200)
    expect(tasks).toHaveLength(1)
    await tasks[0]
    expect(handled).toEqual(['evt_1'])
  })

  it('answers a duplicate 200 { duplicate: true } without running the handler again', async () => {
    let runs = 0
    const store = new MemoryIdempotencyStore()
    const { app } = processingApp({ store, on: { '*': () => void runs++ } })
    expect((await app.request('/webhooks', signedInit())).status).toBe(200)
    await tick()
    const again = await app.request('/webhooks', signedInit())
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ received: true, duplicate: true })
    await tick()
    expect(runs).toBe(1)
  })

  it('answers 422 for the same id with a different body', async () => {
    const { app } = processingApp({ on: { '*': () => {} } })
    expect((await app.request('/webhooks', signedInit())).status).toBe(200)
    await tick()
    const changed = JSON.stringify({ ...EVENT, data: { object: { id: 'ord_other' } } })
    const response = await app.request('/webhooks', signedInit(changed))
    expect(response.status).toBe(422)
  })

  it("ack 'after': runs before answering; a failing handler is 500 and runs again on the retry", async () => {
    let runs = 0
    const { app } = processingApp({
      ack: 'after',
      on: {
        'order.created': () => {
          runs++
          if (runs === 1) throw new Error('database down')
        },
      },
    })
    const failed = await app.request('/webhooks', signedInit())
    expect(failed.status).toBe(500)
    expect(runs).toBe(1)
    const retried = await app.request('/webhooks', signedInit())
    expect(retried.status).toBe(200)
    expect(await retried.json()).toEqual({ received: true })
    expect(runs).toBe(2)
  })

  it('acknowledges an event no handler matches, without running the route handler', async () => {
    const { app, routeHandlerRuns } = processingApp({ on: { 'refund.created': () => {} } })
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true })
    expect(routeHandlerRuns()).toBe(0)
  })

  it('still sets c.get("webhook") for outer middleware when it answers itself', async () => {
    const { app, seenByOuter } = processingApp({ ack: 'after', on: { '*': () => {} } })
    await app.request('/webhooks', signedInit())
    expect(seenByOuter).toEqual(['evt_1'])
  })

  it('verifies before processing: a forged event reaches no handler', async () => {
    let runs = 0
    const { app } = processingApp({ on: { '*': () => void runs++ } })
    const response = await app.request('/webhooks', signedInit(BODY, { secret: 'whsec_forger' }))
    expect(response.status).toBe(401)
    await tick()
    expect(runs).toBe(0)
  })

  it('rejects processing options without on handlers at construction', () => {
    expect(() => webhook({ secret: SECRET, ack: 'after' })).toThrow(TypeError)
    expect(() => webhook({ secret: SECRET, on: {}, ack: 'later' as 'after' })).toThrow(TypeError)
  })

  it('types the on handlers from the event type', () => {
    webhook<OrderEvent>({
      secret: SECRET,
      on: {
        'order.created': (event) => {
          expectTypeOf(event).toEqualTypeOf<OrderEvent>()
        },
      },
    })
  })
})
