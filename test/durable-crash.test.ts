import { randomBytes } from 'node:crypto'
import { connect, deleteKeys, describeRedis, freePort, redisUrl } from '@hookguard/test-kit/redis'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { type NodeProcess, sendAll, startNode } from './support/durable-processes.js'

// The crash test: 1,000 events from a sender that retries like the real ones, into two
// receiver processes (behind it as behind a load balancer: any attempt goes to either) and two
// worker processes (real Express, real BullMQ, real Redis) that are
// SIGKILLed at random, one 1-2.5 s after the last victim is back up, and restarted (in the background, as a supervisor would). Every acknowledged event's handler must have
// completed; the repeats (a handler run again because its worker died mid-run, or before BullMQ
// heard it finished) are counted and printed for the note.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

const EVENTS = 1000
const SECRET = 'whsec_crash_test'
const tag = randomBytes(4).toString('hex')
const PREFIX = `{hg-crash-${tag}}`
const RECORD = `hg-crash-${tag}:`

let redis: Redis
const nodes: NodeProcess[] = []

beforeAll(() => {
  redis = connect()
})
afterAll(async () => {
  await Promise.all(nodes.map((node) => node.kill()))
  await deleteKeys(redis, PREFIX)
  await deleteKeys(redis, RECORD)
  await redis.quit()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describeRedis('crash test: receiver and workers SIGKILLed at random under load', () => {
  it(`loses none of ${EVENTS} events`, async () => {
    const ports = [await freePort(), await freePort()]
    const env = {
      SECRET,
      QUEUE_URL: redisUrl(),
      RECORD_URL: redisUrl(),
      PREFIX,
      RECORD_PREFIX: RECORD,
      HANDLER_MS: '100',
    }
    nodes.push(
      ...(await Promise.all([
        ...ports.map((port, n) =>
          startNode(`receiver ${n + 1}`, {
            ...env,
            ROLE: 'receiver',
            MODE: 'inbox',
            PORT: String(port),
          }),
        ),
        startNode('worker 1', { ...env, ROLE: 'worker' }),
        startNode('worker 2', { ...env, ROLE: 'worker' }),
      ])),
    )

    const kills: Record<string, number> = {}
    const restarting = new Map<NodeProcess, Promise<void>>()
    const startErrors: unknown[] = []
    let sending = true
    const killer = (async () => {
      // The first two kills hit the receiver and a worker (in random order); then anyone up.
      const first = Math.random() < 0.5 ? ['receiver', 'worker'] : ['worker', 'receiver']
      for (let n = 0; sending; n++) {
        // One process down at a time: the next kill comes 1-2.5 s after the last one is back up
        // (a restart takes 1-5 s on a loaded 2-core machine).
        await Promise.all(restarting.values())
        await sleep(1000 + Math.random() * 1500)
        if (!sending) break
        const up = nodes
        const wanted = first[n]
        const pool = wanted ? up.filter((node) => node.name.startsWith(wanted)) : up
        const victim = pool[Math.floor(Math.random() * pool.length)]
        if (!victim) continue
        await victim.kill()
        kills[victim.name] = (kills[victim.name] ?? 0) + 1
        // Restarted in the background, as a supervisor would: the next kill does not wait.
        restarting.set(
          victim,
          victim.start().then(
            () => void restarting.delete(victim),
            (error: unknown) => void startErrors.push(error),
          ),
        )
      }
    })()

    const ids = Array.from({ length: EVENTS }, (_, n) => `evt_crash_${tag}_${n}`)
    const started = Date.now()
    const deliveries = await sendAll({
      url: () => `http://127.0.0.1:${ports[Math.floor(Math.random() * 2)]}`,
      secret: SECRET,
      ids,
      lanes: 25,
      gapMs: 400,
    })
    sending = false
    await killer
    await Promise.all(restarting.values())
    expect(startErrors).toEqual([])
    const sentMs = Date.now() - started

    // Every event acknowledged; now every acknowledged event's handler must finish.
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(EVENTS)
    const deadline = Date.now() + 45_000
    while ((await redis.scard(`${RECORD}done`)) < EVENTS && Date.now() < deadline) await sleep(200)
    const done = new Set(await redis.smembers(`${RECORD}done`))
    const missing = ids.filter((id) => !done.has(id))
    expect(missing).toEqual([])

    const runs = Object.values(await redis.hgetall(`${RECORD}runs`)).map(Number)
    const repeats = runs.reduce((sum, n) => sum + n - 1, 0)
    const queue = new Queue('webhooks', { connection: redis, prefix: PREFIX })
    const failed = await queue.getFailedCount()
    await queue.close()
    expect(failed).toBe(0)
    const retried = deliveries.flatMap((d) => d.retried)
    const figures = {
      events: EVENTS,
      kills,
      handlerRuns: runs.reduce((a, b) => a + b, 0),
      repeats,
      eventsRunMoreThanOnce: runs.filter((n) => n > 1).length,
      senderRetries: retried.length,
      retriedOn: {
        connectionError: retried.filter((s) => s === 'error').length,
        '503': retried.filter((s) => s === 503).length,
        other: retried.filter((s) => s !== 'error' && s !== 503).length,
      },
      sendingSeconds: Math.round(sentMs / 100) / 10,
    }
    console.log(`crash test figures: ${JSON.stringify(figures)}`)
    expect((kills['receiver 1'] ?? 0) + (kills['receiver 2'] ?? 0)).toBeGreaterThanOrEqual(1)
    expect((kills['worker 1'] ?? 0) + (kills['worker 2'] ?? 0)).toBeGreaterThanOrEqual(1)
  })
})
