import { randomUUID } from 'node:crypto'
import { type IdempotencyStore, MemoryIdempotencyStore } from '@hookguard/core'
import type { ReceiverOptions } from '@hookguard/core/adapter'
import { RedisIdempotencyStore } from '@hookguard/redis'
import { signedJson } from '@hookguard/test-kit'
import { connect, deleteKeys, redisSkipReason } from '@hookguard/test-kit/redis'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { adapters, type RunningApp } from './support/adapters.js'

// Issue 4 end to end: every adapter over a real socket, with the memory store and a real Redis.
const SECRET = 'whsec_processing_test'
const PREFIX = `hookguard-test:processing:${process.pid}:${randomUUID()}:`

// Without a Redis the memory store still runs everything; the global setup said why Redis is out.
const hasRedis = redisSkipReason() === undefined
let redis: Redis
beforeAll(() => {
  if (hasRedis) redis = connect()
})
afterAll(async () => {
  if (!hasRedis) return
  await deleteKeys(redis, PREFIX)
  await redis.quit()
})

const stores: Array<[string, () => IdempotencyStore]> = [
  ['memory', () => new MemoryIdempotencyStore()],
  ...(hasRedis
    ? [
        [
          'redis',
          () => new RedisIdempotencyStore(redis, { prefix: `${PREFIX}${randomUUID()}:` }),
        ] as [string, () => IdempotencyStore],
      ]
    : []),
]

const running: RunningApp[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()))
})

const eventBody = (id: string, n = 0) =>
  JSON.stringify({
    id,
    type: 'order.created',
    created: 1,
    apiVersion: '1',
    data: { object: { n } },
  })

async function deliver(url: string, body: string, path = '/webhooks') {
  // The receivers run on the real clock, so the sender signs with it too.
  const timestamp = Math.floor(Date.now() / 1000)
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    body,
    headers: signedJson(body, { secret: SECRET, timestamp }),
  })
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  }
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j] as T, items[i] as T]
  }
  return items
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function inBatches<T>(tasks: Array<() => Promise<T>>, size: number): Promise<T[]> {
  const results: T[] = []
  for (let i = 0; i < tasks.length; i += size) {
    results.push(...(await Promise.all(tasks.slice(i, i + size).map((task) => task()))))
  }
  return results
}

describe.each(adapters)('%s adapter', (_name, start) => {
  const boot = async (options: Omit<ReceiverOptions, 'secret'>) => {
    const app = await start({ ...options, secret: SECRET }, SECRET)
    running.push(app)
    return app
  }

  describe.each(stores)('with the %s store', (_storeName, makeStore) => {
    it.each(['before', 'after'] as const)(
      'runs one of 50 concurrent deliveries of one event (ack: %s)',
      async (ack) => {
        const handler = vi.fn(() => new Promise((resolve) => setTimeout(resolve, 20)))
        const { url } = await boot({ ack, store: makeStore(), on: { 'order.created': handler } })
        const body = eventBody(`evt_${randomUUID()}`)
        const answers = await Promise.all(Array.from({ length: 50 }, () => deliver(url, body)))
        await vi.waitFor(() => expect(handler).toHaveBeenCalledTimes(1))
        const fresh = answers.filter((a) => a.status === 200 && a.body.duplicate === undefined)
        expect(fresh).toHaveLength(1)
        for (const answer of answers) {
          // Copies that arrive while the first is claimed are told to come back, in both modes.
          expect(answer.status === 200 || answer.status === 409).toBe(true)
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
        expect(handler).toHaveBeenCalledTimes(1)
      },
    )

    it('makes every effect happen once: 200 events, 1-5 copies each, shuffled, 10 % flaky handler calls, a retrying sender', async () => {
      const random = seeded(42)
      const effects = new Map<string, number>()
      let calls = 0
      const { url } = await boot({
        ack: 'after',
        store: makeStore(),
        on: {
          'order.created': async (event) => {
            calls++
            if (random() < 0.1) throw new Error('flaky downstream')
            const { id } = event as { id: string }
            effects.set(id, (effects.get(id) ?? 0) + 1)
          },
        },
      })
      const ids = Array.from({ length: 200 }, (_, i) => `evt_${i}_${randomUUID()}`)
      const deliveries = shuffle(
        ids.flatMap((id) => Array.from({ length: 1 + Math.floor(random() * 5) }, () => id)),
        random,
      )
      // The sender: retries on 5xx and 409 (after a short pause) until it gets a 2xx.
      const send = async (id: string) => {
        for (let attempt = 1; attempt <= 50; attempt++) {
          const answer = await deliver(url, eventBody(id))
          if (answer.status === 200) return answer
          expect([409, 500]).toContain(answer.status)
          await new Promise((resolve) => setTimeout(resolve, 5 + random() * 20))
        }
        throw new Error(`${id} never succeeded`)
      }
      await inBatches(
        deliveries.map((id) => () => send(id)),
        50,
      )
      expect(effects.size).toBe(200)
      expect([...effects.values()].every((count) => count === 1)).toBe(true)
      expect(calls).toBeGreaterThan(200) // some calls failed and ran again
    }, 60_000)
  })

  it('answers 503 with Retry-After and runs nothing when Redis is unreachable; verify-only routes keep working', async () => {
    const unreachable = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => 50,
    })
    unreachable.on('error', () => {})
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const handler = vi.fn()
      for (const ack of ['before', 'after'] as const) {
        const store = new RedisIdempotencyStore(unreachable, { prefix: PREFIX, timeoutMs: 200 })
        const { url } = await boot({ ack, store, on: { '*': handler } })
        const answer = await deliver(url, eventBody(`evt_${randomUUID()}`))
        expect(answer.status).toBe(503)
        expect(answer.headers.get('retry-after')).toBe('5')
        expect(answer.body.code).toBe('STORE_UNAVAILABLE')
        const verified = await deliver(url, eventBody('evt_verify_only'), '/verify-only')
        expect(verified).toMatchObject({
          status: 200,
          body: { verified: { id: 'evt_verify_only' } },
        })
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(handler).not.toHaveBeenCalled()
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
      unreachable.disconnect()
    }
  })

  it('answers 422 for the same id with a different body, through the adapter', async () => {
    const { url } = await boot({ ack: 'after', on: { '*': () => {} } })
    const id = `evt_${randomUUID()}`
    expect((await deliver(url, eventBody(id, 1))).status).toBe(200)
    expect(await deliver(url, eventBody(id, 2))).toMatchObject({
      status: 422,
      body: { code: 'IDEMPOTENCY_MISMATCH' },
    })
  })

  it('retries a failing handler after the 200, then dead-letters it (ack: before)', async () => {
    const dead = vi.fn()
    let calls = 0
    const { url } = await boot({
      retry: { attempts: 3, initialDelayMs: 5, jitter: 0 },
      onDeadLetter: dead,
      on: {
        '*': () => {
          calls++
          throw new Error('still down')
        },
      },
    })
    const id = `evt_${randomUUID()}`
    expect(await deliver(url, eventBody(id))).toMatchObject({
      status: 200,
      body: { received: true },
    })
    await vi.waitFor(() => expect(dead).toHaveBeenCalledTimes(1))
    expect(calls).toBe(3)
    expect(dead.mock.calls[0]?.[2]).toEqual({
      id,
      key: `hookguard:${id}`,
      type: 'order.created',
      attempts: 3,
      reason: 'failed',
    })
  })
})
