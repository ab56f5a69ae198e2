import type { Outcome, Receiver } from '@hookguard/core/adapter'
import { BODY, EVENT, NOW, SECRET, signedJson } from '@hookguard/test-kit'
import type { ErrorRequestHandler, Response } from 'express'
import request from 'supertest'
import { describe, expect, it, vi } from 'vitest'
import { webhook } from './middleware.js'
import { versions } from './test-versions.js'

// Core's receiver answers 'respond' only once processing (`on` handlers) lands; until then a
// receiver that returns a scripted outcome drives the adapter's side of that contract.
const script = vi.hoisted(() => ({ outcome: undefined as (() => Promise<unknown>) | undefined }))

vi.mock('@hookguard/core/adapter', async (importOriginal) => {
  const core = await importOriginal<typeof import('@hookguard/core/adapter')>()
  return {
    ...core,
    createReceiver(options: Parameters<typeof core.createReceiver>[0]): Receiver {
      const real = core.createReceiver(options)
      return {
        maxBodyBytes: real.maxBodyBytes,
        bodyTimeoutMs: real.bodyTimeoutMs,
        close: (options) => real.close(options),
        aborted: (error) => real.aborted(error),
        async receive(input) {
          const verified = await real.receive(input)
          if (!script.outcome) return verified
          return (await script.outcome()) as Outcome
        },
      }
    },
  }
})

describe.each(versions)("the 'respond' outcome on $name", ({ express }) => {
  function appWith(outcome: () => Promise<unknown>) {
    script.outcome = outcome
    const app = express()
    const state: { res?: Response; reachedHandler: boolean } = { reachedHandler: false }
    app.post(
      '/webhooks',
      (_req, res, next) => {
        state.res = res
        next()
      },
      webhook({ secret: SECRET, now: NOW }),
      (_req, res) => {
        state.reachedHandler = true
        res.json({ from: 'handler' })
      },
    )
    const onError: ErrorRequestHandler = (error, _req, res, _next) => {
      res.status(500).json({ caught: error.message })
    }
    app.use(onError)
    return { app, state }
  }

  async function send(app: ReturnType<typeof appWith>['app']) {
    return request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
  }

  it('sends status, headers and body itself, then starts background after the response', async () => {
    let started: { headersSent: boolean | undefined } | undefined
    let done!: () => void
    const finished = new Promise<void>((resolve) => {
      done = resolve
    })
    const { app, state } = appWith(async () => ({
      action: 'respond',
      status: 202,
      body: { received: true },
      headers: { 'x-hookguard': 'claimed' },
      webhook: { EVENT, id: EVENT.id, type: EVENT.type },
      background: async () => {
        started = { headersSent: state.res?.headersSent }
        done()
      },
    }))
    const res = await send(app)
    expect(res.status).toBe(202)
    expect(res.headers['x-hookguard']).toBe('claimed')
    expect(res.body).toEqual({ received: true })
    await finished
    expect(started).toEqual({ headersSent: true })
    expect(state.reachedHandler).toBe(false)
  })

  it('answers a 409 with Retry-After and no background', async () => {
    const { app, state } = appWith(async () => ({
      action: 'respond',
      status: 409,
      body: { error: 'in progress', code: 'IN_PROGRESS' },
      headers: { 'retry-after': '5' },
      webhook: undefined,
      background: undefined,
    }))
    const res = await send(app)
    expect(res.status).toBe(409)
    expect(res.headers['retry-after']).toBe('5')
    expect(res.body).toEqual({ error: 'in progress', code: 'IN_PROGRESS' })
    expect(state.reachedHandler).toBe(false)
  })

  it('a background that breaks its contract cannot crash the app or answer twice', async () => {
    const attempts: string[] = []
    for (const background of [
      async () => {
        attempts.push('rejects')
        throw new Error('rejected')
      },
      () => {
        attempts.push('throws')
        throw new Error('thrown')
      },
    ]) {
      const { app } = appWith(async () => ({
        action: 'respond',
        status: 200,
        body: { received: true },
        headers: {},
        webhook: undefined,
        background,
      }))
      const res = await send(app)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ received: true })
    }
    // Background work starts a timer turn after the response.
    for (let i = 0; i < 100 && attempts.length < 2; i++) await new Promise((r) => setTimeout(r, 5))
    expect(attempts).toEqual(['rejects', 'throws'])
  })

  it('a failure that is not a verification error goes to the Express error handler', async () => {
    const { app } = appWith(async () => {
      throw new Error('store unreachable')
    })
    const res = await send(app)
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ caught: 'store unreachable' })
  })
})
