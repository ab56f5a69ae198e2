import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sign } from '@hookguard/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  app,
  createApp,
  DEV_SECRET,
  type OrderCreated,
  secretsFromEnv,
} from '../examples/hono/src/app.js'

const order: OrderCreated = {
  id: 'evt_order_1',
  type: 'order.created',
  created: 1_764_331_200,
  apiVersion: '2026-11-01',
  data: { object: { id: 'ord_1', amount: 4200, currency: 'eur' } },
}

async function signed(event: unknown, secret: string) {
  const body = JSON.stringify(event)
  return {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(await sign({ payload: body, secret })) },
  }
}

describe('examples/hono app', () => {
  it('verifies an order.created webhook and fulfils the order', async () => {
    const fulfilled: unknown[] = []
    const example = createApp({ secret: 'whsec_example', fulfil: (o) => void fulfilled.push(o) })
    const response = await example.request('/webhooks', await signed(order, 'whsec_example'))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true })
    // ack: 'before': the 200 comes once the event is claimed; the handler runs right after.
    await vi.waitFor(() => expect(fulfilled).toEqual([order.data.object]))
    const again = await example.request('/webhooks', await signed(order, 'whsec_example'))
    expect(await again.json()).toEqual({ received: true, duplicate: true })
    expect(fulfilled).toHaveLength(1)
  })

  it('acknowledges event types it does not handle without acting on them', async () => {
    const fulfilled: unknown[] = []
    const example = createApp({ secret: 'whsec_example', fulfil: (o) => void fulfilled.push(o) })
    const refund = { ...order, id: 'evt_2', type: 'refund.created' }
    const response = await example.request('/webhooks', await signed(refund, 'whsec_example'))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true })
    expect(fulfilled).toEqual([])
  })

  it('rejects a forged webhook with 401 and does not fulfil', async () => {
    const fulfilled: unknown[] = []
    const example = createApp({ secret: 'whsec_example', fulfil: (o) => void fulfilled.push(o) })
    const response = await example.request('/webhooks', await signed(order, 'whsec_attacker'))
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'INVALID_SIGNATURE' })
    expect(fulfilled).toEqual([])
  })

  it('accepts the old secret while rotating', async () => {
    const example = createApp({ secret: ['whsec_new', 'whsec_old'], fulfil: () => {} })
    const response = await example.request('/webhooks', await signed(order, 'whsec_old'))
    expect(response.status).toBe(200)
  })

  it('reads secrets from WEBHOOK_SECRET, comma-separated, with a development default', () => {
    expect(secretsFromEnv({ WEBHOOK_SECRET: 'whsec_a, whsec_b,,' })).toEqual(['whsec_a', 'whsec_b'])
    expect(secretsFromEnv({ WEBHOOK_SECRET: '' })).toEqual([DEV_SECRET])
    expect(secretsFromEnv({})).toEqual([DEV_SECRET])
  })

  it('exports a ready app that uses the configured secrets', async () => {
    const [secret] = secretsFromEnv()
    const health = await app.request('/health')
    expect(await health.text()).toBe('ok')
    const refund = { ...order, type: 'refund.created' }
    const response = await app.request('/webhooks', await signed(refund, secret as string))
    expect(response.status).toBe(200)
  })
})

describe('examples/hono server', () => {
  let child: ChildProcess | undefined
  afterEach(() => {
    child?.kill('SIGKILL')
    child = undefined
  })

  it('serves on PORT with the secrets from WEBHOOK_SECRET', async () => {
    const cwd = fileURLToPath(new URL('../examples/hono/', import.meta.url))
    // `node --import tsx` rather than the tsx CLI: one process, so killing it leaves no orphan.
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd,
      env: { ...process.env, PORT: '0', WEBHOOK_SECRET: 'whsec_new,whsec_old' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const started = child
    const url = await new Promise<string>((resolve, reject) => {
      let output = ''
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000)
      const onData = (data: Buffer) => {
        output += data
        const match = /listening on (http:\/\/\S+)/.exec(output)
        if (match?.[1]) {
          clearTimeout(timer)
          resolve(match[1])
        }
      }
      started.stdout?.on('data', onData)
      started.stderr?.on('data', (data: Buffer) => {
        output += data
      })
      started.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`server exited with ${code}:\n${output}`))
      })
    })
    const ok = await fetch(url, await signed(order, 'whsec_old'))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ received: true })
    const forged = await fetch(url, await signed(order, DEV_SECRET))
    expect(forged.status).toBe(401)
  }, 20_000)
})
