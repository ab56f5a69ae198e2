import { flakyProxy, redisUrl } from '@hookguard/test-kit/redis'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type BullInbox, createInbox, type InboxOptions } from './inbox.js'
import { describeInboxContract } from './inbox-contract.js'
import {
  connect,
  deleteKeys,
  entry,
  redisOptions,
  sleep,
  testPrefix,
  waitFor,
} from './test-helpers.js'
import { createWorker, type InboxWorker } from './worker.js'

// Real Redis and BullMQ on a shared 2-core machine: allow for load, assert no timings.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

let redis: Redis
const prefixes: string[] = []
const open: Array<BullInbox | InboxWorker> = []

beforeAll(() => {
  redis = connect()
})
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()))
})
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeys(redis, prefix)
  await redis.quit()
})

describeInboxContract({
  label: 'one Redis node',
  connection: () => redisOptions(),
  cleanup: (prefix) => deleteKeys(redis, prefix),
})

function inbox(options: Partial<InboxOptions> = {}) {
  const prefix = testPrefix('inbox')
  prefixes.push(prefix)
  const created = createInbox({ connection: redisOptions(), prefix, ...options })
  open.push(created)
  return created
}

function workerFor(box: BullInbox): InboxWorker {
  const worker = createWorker({
    connection: redisOptions(),
    prefix: box.queue.opts.prefix as string,
    queueName: box.queue.name,
    on: { '*': () => {} },
    concurrency: 20,
  })
  open.push(worker)
  return worker
}

describe('createInbox: Redis unreachable or slow', () => {
  it('rejects within timeoutMs when nothing listens', async () => {
    const box = inbox({
      connection: { host: '127.0.0.1', port: 7169, maxRetriesPerRequest: null },
      timeoutMs: 300,
    })
    const started = Date.now()
    await expect(box.accept(entry())).rejects.toThrow(/within 300 ms/)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('rejects within timeoutMs when Redis stops answering, and stores nothing twice once it answers', async () => {
    const proxy = await flakyProxy(new URL(redisUrl()))
    try {
      const box = inbox({
        connection: redisOptions({ port: proxy.port, host: '127.0.0.1' }),
        timeoutMs: 1000,
      })
      // Generous for the calls Redis does answer: the machine running the tests may be loaded.
      await box.queue.waitUntilReady()
      const e = entry()
      expect((await box.accept(e)).status).toBe('accepted')
      proxy.hold()
      const started = Date.now()
      const late = entry()
      await expect(box.accept(late)).rejects.toThrow(/within 1000 ms/)
      expect(Date.now() - started).toBeLessThan(5000)
      proxy.open()
      // The sender, told 503, retries: the add that was late is found, not stored twice.
      await waitFor(
        async () => (await box.queue.getJobCounts('wait')).wait === 2,
        30_000,
        'late add',
      )
      expect((await box.accept(late)).status).toBe('duplicate')
    } finally {
      await proxy.close()
    }
  })
})

describe('createInbox: retention', () => {
  it('removes completed jobs after the retention window, so the queue stays bounded', async () => {
    const box = inbox({ retentionMs: 2000 })
    workerFor(box)
    const first = Array.from({ length: 50 }, () => entry())
    for (const e of first) await box.accept(e)
    const sample = first.at(-1) ?? entry()
    // Within the window (2 s from its add) a redelivery finds the event.
    expect((await box.accept(sample)).status).toBe('duplicate')
    await waitFor(async () => (await box.queue.getJobCounts('completed')).completed === 50)
    await sleep(2300)
    // BullMQ trims by age as later jobs complete.
    const second = Array.from({ length: 20 }, () => entry())
    for (const e of second) await box.accept(e)
    await waitFor(
      async () => {
        const { completed } = await box.queue.getJobCounts('completed')
        return completed !== undefined && completed <= 20
      },
      30_000,
      'old completed jobs removed',
    )
    // Past the window the key is forgotten, like the idempotency stores' retention.
    expect((await box.accept(sample)).status).toBe('accepted')
  })
})
