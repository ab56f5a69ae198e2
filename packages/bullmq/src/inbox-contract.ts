import type { ConnectionOptions } from 'bullmq'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { type BullInbox, createInbox, type InboxOptions } from './inbox.js'
import { decodeBody } from './job-data.js'
import { entry, sha256, sleep, testPrefix, waitFor } from './test-helpers.js'
import { createWorker, type InboxWorker, type WorkerOptions } from './worker.js'

/** Where the contract runs: a Redis topology (one node, a Cluster) and how to clean it. */
export interface InboxTarget {
  label: string
  connection: () => ConnectionOptions
  /** Deletes the keys a test wrote under `prefix`. */
  cleanup?: (prefix: string) => Promise<unknown>
}

/**
 * What every inbox must do, whatever the Redis behind it: store, deduplicate, refuse another
 * body, dead-letter and replay. Run on a single node (inbox.test.ts) and on a Cluster.
 */
export function describeInboxContract(target: InboxTarget): void {
  const prefixes: string[] = []
  const open: Array<BullInbox | InboxWorker> = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((thing) => thing.close()))
  })
  afterAll(async () => {
    for (const prefix of prefixes) await target.cleanup?.(prefix)
  })

  function inbox(options: Partial<InboxOptions> = {}) {
    const prefix = testPrefix('inbox')
    prefixes.push(prefix)
    const created = createInbox({ connection: target.connection(), prefix, ...options })
    open.push(created)
    return created
  }

  function workerFor(box: BullInbox, options: Partial<WorkerOptions> = {}): InboxWorker {
    const worker = createWorker({
      connection: target.connection(),
      prefix: box.queue.opts.prefix as string,
      queueName: box.queue.name,
      on: { '*': () => {} },
      ...options,
    })
    open.push(worker)
    return worker
  }

  describe(`createInbox on ${target.label}: accept`, () => {
    it('stores a new event as a job holding the raw body and nothing that signs', async () => {
      const box = inbox()
      const e = entry({ contentType: 'application/json' })
      expect(await box.accept(e)).toEqual({ status: 'accepted' })

      const [job] = await box.queue.getWaiting()
      expect(job?.name).toBe('order.created')
      expect(Object.keys(job?.data ?? {}).sort()).toEqual(
        [
          'body',
          'contentType',
          'encoding',
          'fingerprint',
          'id',
          'key',
          'receivedAt',
          'scheme',
          'type',
        ].sort(),
      )
      expect(job?.data).toMatchObject({
        key: e.key,
        scheme: 'hookguard',
        id: e.id,
        type: 'order.created',
        receivedAt: e.receivedAt,
        fingerprint: e.fingerprint,
        body: e.payload,
        encoding: 'utf8',
      })
    })

    it('keeps bytes exactly: a BOM, invalid UTF-8 and NUL survive the round trip', async () => {
      const box = inbox()
      const bodies = [
        new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
        new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0x7d]),
        new TextEncoder().encode('{"note":"ü🙂"}'),
      ]
      for (const payload of bodies) {
        const e = entry({ payload, fingerprint: sha256(payload) })
        expect((await box.accept(e)).status).toBe('accepted')
      }
      const jobs = await box.queue.getWaiting()
      expect(jobs).toHaveLength(3)
      for (const job of jobs) {
        const bytes = decodeBody(job.data)
        const asBytes = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
        expect(sha256(asBytes)).toBe(job.data.fingerprint)
      }
      expect(jobs.map((job) => job.data.encoding).sort()).toEqual(['base64', 'utf8', 'utf8'])
    })

    it('a redelivery of the same body is a duplicate; another body under the key is a mismatch', async () => {
      const box = inbox()
      const e = entry()
      expect(await box.accept(e)).toEqual({ status: 'accepted' })
      expect(await box.accept({ ...e, receivedAt: e.receivedAt + 5 })).toEqual({
        status: 'duplicate',
      })
      const other = JSON.stringify({ id: e.id, type: e.type, tampered: true })
      expect(await box.accept({ ...e, payload: other, fingerprint: sha256(other) })).toEqual({
        status: 'mismatch',
      })
      expect(await box.queue.getJobCounts('wait')).toEqual({ wait: 1 })
    })

    it('keys with ":" and "%" are stored and told apart', async () => {
      const box = inbox()
      const a = entry({ id: 'a:b%3A', key: 'hookguard:a:b%3A' })
      const b = entry({ id: 'a%3Ab:', key: 'hookguard:a%3Ab:' })
      expect((await box.accept(a)).status).toBe('accepted')
      expect((await box.accept(b)).status).toBe('accepted')
      expect((await box.accept(a)).status).toBe('duplicate')
      expect((await box.accept(b)).status).toBe('duplicate')
      const keys = (await box.queue.getWaiting()).map((job) => job.data.key).sort()
      expect(keys).toEqual(['hookguard:a%3Ab:', 'hookguard:a:b%3A'])
    })

    it('50 concurrent deliveries of one event: exactly one job, one accepted, the rest duplicates', async () => {
      const box = inbox()
      const e = entry()
      const results = await Promise.all(Array.from({ length: 50 }, () => box.accept(e)))
      expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1)
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(49)
      expect(await box.queue.getJobCounts('wait')).toEqual({ wait: 1 })
    })

    it('concurrent deliveries with two bodies: one stored, the other body always refused', async () => {
      const box = inbox()
      const e = entry()
      const other = `${e.payload as string} `
      const f = { ...e, payload: other, fingerprint: sha256(other) }
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? box.accept(e) : box.accept(f))),
      )
      const [job] = await box.queue.getWaiting()
      const winner = job?.data.fingerprint
      results.forEach((result, i) => {
        const mine = i % 2 ? e.fingerprint : f.fingerprint
        if (mine === winner) expect(['accepted', 'duplicate']).toContain(result.status)
        else expect(result.status).toBe('mismatch')
      })
      expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1)
    })
  })

  describe(`createInbox on ${target.label}: dead letters and replay`, () => {
    it('lists a dead-lettered event, answers its redelivery as a duplicate, and replays it by key', async () => {
      const box = inbox()
      let fixed = false
      const runs: number[] = []
      const dead: unknown[] = []
      workerFor(box, {
        on: {
          'order.created': (_event, { attempt }) => {
            runs.push(attempt)
            if (!fixed) throw new Error('downstream is down')
          },
        },
        retry: { attempts: 2, initialDelayMs: 10, jitter: 0 },
        onDeadLetter: (_event, error, info) => {
          dead.push({ error: (error as Error).message, ...info })
        },
      })
      const e = entry()
      await box.accept(e)
      await waitFor(async () => (await box.deadLetters()).length === 1, 10_000, 'dead letter')
      expect(runs).toEqual([1, 2])
      expect(dead).toEqual([
        {
          error: 'downstream is down',
          key: e.key,
          id: e.id,
          type: e.type,
          attempts: 2,
          reason: 'failed',
        },
      ])
      const [letter] = await box.deadLetters()
      expect(letter).toMatchObject({
        key: e.key,
        id: e.id,
        type: e.type,
        attempts: 2,
        error: 'downstream is down',
      })
      expect(letter?.failedAt.getTime()).toBeGreaterThanOrEqual(e.receivedAt)

      // A redelivery does not resurrect a dead letter: replay is the operator's decision.
      expect((await box.accept(e)).status).toBe('duplicate')
      await sleep(100)
      expect(runs).toEqual([1, 2])

      fixed = true
      expect(await box.replay(e.key)).toBe(true)
      await waitFor(async () => (await box.queue.getJobCounts('completed')).completed === 1)
      expect(runs).toEqual([1, 2, 1])
      expect(await box.deadLetters()).toEqual([])
      expect(await box.replay('hookguard:never-seen')).toBe(false)
    })

    it('replay({ since }) runs again only what failed since then', async () => {
      const box = inbox()
      let fail = true
      const done: string[] = []
      workerFor(box, {
        on: {
          '*': (_event, { id }) => {
            if (fail) throw new Error('no')
            done.push(id)
          },
        },
        retry: { attempts: 1 },
        onDeadLetter: () => {},
      })
      const old = entry()
      await box.accept(old)
      await waitFor(async () => (await box.deadLetters()).length === 1)
      await sleep(20)
      const since = new Date()
      const recent = [entry(), entry()]
      for (const e of recent) await box.accept(e)
      await waitFor(async () => (await box.deadLetters()).length === 3)
      fail = false
      expect(await box.replay({ since })).toBe(2)
      await waitFor(() => done.length === 2)
      expect(done.sort()).toEqual(recent.map((e) => e.id).sort())
      expect((await box.deadLetters()).map((d) => d.key)).toEqual([old.key])
    })
  })
}
