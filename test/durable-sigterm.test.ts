import { randomBytes } from 'node:crypto'
import { connect, deleteKeys, describeRedis, freePort, redisUrl } from '@hookguard/test-kit/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { type NodeProcess, sendAll, startNode } from './support/durable-processes.js'

// SIGTERM during load, in every processing mode: a deploy stops the receiver (and the worker)
// while a retrying sender keeps sending and handlers (up to 1.5 s each) are running; they are
// restarted and stopped again. No delivery answered 200 may be lost: its handler completed, or
// (in-process modes only) close() handed it to the dead-letter hook with reason 'shutdown', which
// keeps it (the test process records it, as an application would store it).
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 })

const EVENTS = 200
const SECRET = 'whsec_sigterm_test'
let redis: Redis
const nodes: NodeProcess[] = []
const prefixes: string[] = []

beforeAll(() => {
  redis = connect()
})
afterAll(async () => {
  await Promise.all(nodes.map((node) => node.kill()))
  for (const prefix of prefixes) await deleteKeys(redis, prefix)
  await redis.quit()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describeRedis('SIGTERM during load', () => {
  it.each([
    ['memory', 'the in-process mode with the memory store'],
    ['redis', 'the in-process mode with RedisIdempotencyStore'],
    ['inbox', 'the BullMQ inbox and a worker'],
  ])('%s: %s loses no delivery it answered 200', async (mode) => {
    const tag = randomBytes(4).toString('hex')
    const prefix = `{hg-term-${tag}}`
    const record = `hg-term-${tag}:`
    const storePrefix = `hg-term-${tag}-store:`
    prefixes.push(prefix, record, storePrefix)
    const port = await freePort()
    const env = {
      SECRET,
      QUEUE_URL: redisUrl(),
      RECORD_URL: redisUrl(),
      PREFIX: prefix,
      RECORD_PREFIX: record,
      STORE_PREFIX: storePrefix,
      HANDLER_MS: '1500',
      CLOSE_MS: '300',
    }
    const started = await Promise.all([
      startNode('receiver', { ...env, ROLE: 'receiver', MODE: mode, PORT: String(port) }),
      ...(mode === 'inbox' ? [startNode('worker', { ...env, ROLE: 'worker' })] : []),
    ])
    nodes.push(...started)

    const answers = { shuttingDown: 0 }
    let sending = true
    let stops = 0
    const deployer = (async () => {
      while (sending) {
        await sleep(1000)
        if (!sending) break
        // A deploy: SIGTERM (the process drains and exits), then the new one starts.
        await Promise.all(started.map((node) => node.term()))
        stops++
        await Promise.all(started.map((node) => node.start()))
      }
    })()

    const ids = Array.from({ length: EVENTS }, (_, n) => `evt_term_${tag}_${n}`)
    const deliveries = await sendAll({
      url: () => `http://127.0.0.1:${port}`,
      secret: SECRET,
      ids,
      lanes: 20,
      gapMs: 100,
      onAnswer: ({ status }) => {
        if (status === 503) answers.shuttingDown++
      },
    })
    sending = false
    await deployer
    expect(deliveries).toHaveLength(EVENTS)

    const kept = async () => {
      const [done, shutdown] = await Promise.all([
        redis.smembers(`${record}done`),
        redis.smembers(`${record}kept`),
      ])
      return { done: new Set(done), shutdown: new Set(shutdown) }
    }
    const deadline = Date.now() + 30_000
    let found = await kept()
    const lost = () => ids.filter((id) => !found.done.has(id) && !found.shutdown.has(id))
    while (lost().length > 0 && Date.now() < deadline) {
      await sleep(200)
      found = await kept()
    }
    expect(lost()).toEqual([])
    if (mode === 'inbox') expect(found.shutdown.size).toBe(0)
    expect(stops).toBeGreaterThanOrEqual(1)
    console.log(
      `SIGTERM ${mode}: ${JSON.stringify({ events: EVENTS, stops, answered503: answers.shuttingDown, completed: found.done.size, keptAtShutdown: [...found.shutdown].filter((id) => !found.done.has(id)).length, lost: 0 })}`,
    )
  })
})
