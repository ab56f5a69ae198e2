import type { Outcome } from '@hookguard/core/adapter'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { sendOutcome } from './respond.js'

type Respond = Extract<Outcome, { action: 'respond' }>

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

function respondWith(outcome: Respond) {
  const app = new Hono()
  app.post('/webhooks', (c) => sendOutcome(c, outcome))
  return app
}

function outcome(overrides: Partial<Respond> = {}): Respond {
  return {
    action: 'respond',
    status: 200,
    body: { received: true },
    headers: {},
    webhook: undefined,
    background: undefined,
    ...overrides,
  }
}

/** The ExecutionContext shape Workers pass as the fourth argument of `fetch`. */
function executionContext() {
  const tasks: Promise<unknown>[] = []
  return {
    tasks,
    ctx: {
      waitUntil: (task: Promise<unknown>) => void tasks.push(task),
      passThroughOnException: () => {},
      props: {},
    },
  }
}

describe("sendOutcome(): the receiver's own answer", () => {
  it('sends the status, headers and JSON body', async () => {
    const app = respondWith(
      outcome({ status: 409, body: { error: 'in progress' }, headers: { 'retry-after': '5' } }),
    )
    const response = await app.request('/webhooks', { method: 'POST' })
    expect(response.status).toBe(409)
    expect(response.headers.get('retry-after')).toBe('5')
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await response.json()).toEqual({ error: 'in progress' })
  })

  it('sends no body for a null-body status or an undefined body', async () => {
    const noContent = await respondWith(outcome({ status: 204 })).request('/webhooks', {
      method: 'POST',
    })
    expect(noContent.status).toBe(204)
    expect(await noContent.text()).toBe('')
    const empty = await respondWith(outcome({ status: 202, body: undefined })).request(
      '/webhooks',
      { method: 'POST' },
    )
    expect(empty.status).toBe(202)
    expect(await empty.text()).toBe('')
  })

  it('starts background work after the response, without awaiting it (no execution context)', async () => {
    const events: string[] = []
    let finish = () => {}
    const app = respondWith(
      outcome({
        background: async () => {
          events.push('background started')
          await new Promise<void>((resolve) => {
            finish = resolve
          })
          events.push('background done')
        },
      }),
    )
    const response = await app.request('/webhooks', { method: 'POST' })
    events.push('response')
    expect(response.status).toBe(200)
    await tick()
    expect(events).toEqual(['response', 'background started'])
    finish()
    await tick()
    expect(events).toEqual(['response', 'background started', 'background done'])
  })

  it('hands background work to executionCtx.waitUntil where the runtime has one', async () => {
    const { tasks, ctx } = executionContext()
    let done = false
    const app = respondWith(
      outcome({
        background: async () => {
          await tick()
          done = true
        },
      }),
    )
    const response = await app.request('/webhooks', { method: 'POST' }, {}, ctx)
    expect(response.status).toBe(200)
    expect(tasks).toHaveLength(1)
    expect(done).toBe(false)
    await tasks[0]
    expect(done).toBe(true)
  })

  it('never leaves an unhandled rejection behind a background task that breaks its contract', async () => {
    const { tasks, ctx } = executionContext()
    const rejections: unknown[] = []
    const onRejection = (reason: unknown) => rejections.push(reason)
    process.on('unhandledRejection', onRejection)
    try {
      const app = respondWith(outcome({ background: () => Promise.reject(new Error('broken')) }))
      const response = await app.request('/webhooks', { method: 'POST' }, {}, ctx)
      expect(response.status).toBe(200)
      await expect(tasks[0]).resolves.toBeUndefined()
      await tick()
      expect(rejections).toEqual([])
    } finally {
      process.off('unhandledRejection', onRejection)
    }
  })
})
