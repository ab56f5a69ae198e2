import type { HandlerContext, HandlerRunOutcome, Scheme } from '@hookguard/core'
import { githubScheme } from '@hookguard/core/scheme'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type BullInbox, createInbox } from './inbox.js'
import {
  connect,
  deleteKeys,
  entry,
  redisOptions,
  sha256,
  sleep,
  testPrefix,
  waitFor,
} from './test-helpers.js'
import { createWorker, type InboxWorker, type WorkerOptions } from './worker.js'

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

function setup() {
  const prefix = testPrefix('worker')
  prefixes.push(prefix)
  const box = createInbox({ connection: redisOptions(), prefix })
  open.push(box)
  const start = <E>(options: Partial<WorkerOptions<E>> & Pick<WorkerOptions<E>, 'on'>) => {
    const worker = createWorker<E>({ connection: redisOptions(), prefix, ...options })
    open.push(worker)
    return worker
  }
  return { box, start }
}

type Seen = {
  handler: string
  event: unknown
  context: Omit<HandlerContext, 'signal'>
  signal: boolean
}

describe('createWorker', () => {
  it('routes like the in-process mode: exact, then the longest prefix.*, then *', async () => {
    const { box, start } = setup()
    const seen: Seen[] = []
    const record =
      (handler: string) =>
      (event: unknown, { signal, ...context }: HandlerContext) => {
        seen.push({
          handler,
          event,
          context,
          signal: signal instanceof AbortSignal && !signal.aborted,
        })
      }
    start({
      on: {
        'order.created': record('exact'),
        'order.*': record('order.*'),
        'order.refund.*': record('order.refund.*'),
        '*': record('*'),
      },
    })
    const events = [
      entry({ type: 'order.created' }),
      entry({ type: 'order.paid' }),
      entry({ type: 'order.refund.issued' }),
      entry({ type: 'customer.deleted' }),
    ]
    for (const e of events) await box.accept(e)
    await waitFor(() => seen.length === 4)
    const byId = new Map(seen.map((s) => [s.context.id, s]))
    expect(events.map((e) => byId.get(e.id)?.handler)).toEqual([
      'exact',
      'order.*',
      'order.refund.*',
      '*',
    ])
    for (const e of events) {
      expect(byId.get(e.id)).toEqual({
        handler: expect.any(String),
        event: JSON.parse(e.payload as string),
        context: { id: e.id, type: e.type, attempt: 1 },
        signal: true,
      })
    }
  })

  it('completes an event no handler matches without running anything', async () => {
    const { box, start } = setup()
    const ran: string[] = []
    start({ on: { 'order.created': (_e, { id }) => void ran.push(id) } })
    await box.accept(entry({ type: 'customer.deleted' }))
    await waitFor(async () => (await box.queue.getJobCounts('completed')).completed === 1)
    expect(ran).toEqual([])
  })

  it('retries with the core backoff (exponential, jitter), then succeeds', async () => {
    const { box, start } = setup()
    const at: Array<{ attempt: number; t: number }> = []
    start({
      on: {
        '*': (_e, { attempt }) => {
          at.push({ attempt, t: Date.now() })
          if (attempt < 3) throw new Error(`fail ${attempt}`)
        },
      },
      retry: { attempts: 5, initialDelayMs: 100, factor: 2, jitter: 0 },
    })
    await box.accept(entry())
    await waitFor(async () => (await box.queue.getJobCounts('completed')).completed === 1)
    expect(at.map((a) => a.attempt)).toEqual([1, 2, 3])
    // Delayed jobs wait at least the policy's delay: 100 ms, then 200 ms.
    const [t1 = 0, t2 = 0, t3 = 0] = at.map((a) => a.t)
    expect(t2 - t1).toBeGreaterThanOrEqual(95)
    expect(t3 - t2).toBeGreaterThanOrEqual(195)
  })

  it('reports every handler run to onOutcome (attempt, result, duration), as core does', async () => {
    const { box, start } = setup()
    const runs: HandlerRunOutcome[] = []
    start({
      on: {
        'order.created': (_e, { attempt }) => {
          if (attempt < 2) throw new Error('once')
        },
        'order.paid': () => {
          throw new Error('always')
        },
      },
      retry: { attempts: 2, initialDelayMs: 10, jitter: 0 },
      onDeadLetter: () => {},
      onOutcome: (outcome) => {
        if (outcome.kind === 'run') runs.push(outcome)
      },
    })
    const flaky = entry({ type: 'order.created' })
    const broken = entry({ type: 'order.paid' })
    await box.accept(flaky)
    await box.accept(broken)
    await waitFor(() => runs.length === 4)
    const of = (e: typeof flaky) =>
      runs
        .filter((r) => r.key === e.key)
        .map(({ attempt, result, id, type }) => ({ attempt, result, id, type }))
    expect(of(flaky)).toEqual([
      { attempt: 1, result: 'error', id: flaky.id, type: 'order.created' },
      { attempt: 2, result: 'ok', id: flaky.id, type: 'order.created' },
    ])
    expect(of(broken)).toEqual([
      { attempt: 1, result: 'error', id: broken.id, type: 'order.paid' },
      { attempt: 2, result: 'dead_letter', id: broken.id, type: 'order.paid' },
    ])
    for (const run of runs) expect(run.durationMs).toBeGreaterThanOrEqual(0)
  })

  it("logs through core's Logger shape: (fields with a stable code, message)", async () => {
    const { box, start } = setup()
    const lines: Array<[unknown, string]> = []
    const logger = {
      warn() {},
      error: (fields: unknown, message: string) => void lines.push([fields, message]),
    }
    start({
      on: {
        '*': () => {
          throw new Error('boom')
        },
      },
      retry: { attempts: 1 },
      logger,
    })
    const e = entry()
    await box.accept(e)
    await waitFor(() => lines.length === 1)
    expect(lines[0]?.[0]).toMatchObject({
      code: 'DEAD_LETTER',
      key: e.key,
      id: e.id,
      err: expect.any(Error),
    })
    expect(() => createWorker({ connection: redisOptions(), on: {}, logger: {} as never })).toThrow(
      TypeError,
    )
  })

  it('close() lets a running handler finish before it resolves', async () => {
    const { box, start } = setup()
    let finished = false
    let started = false
    const worker = start({
      on: {
        '*': async () => {
          started = true
          await sleep(300)
          finished = true
        },
      },
    })
    await box.accept(entry())
    await waitFor(() => started)
    await worker.close()
    expect(finished).toBe(true)
    expect(await box.queue.getJobCounts('completed', 'active', 'wait')).toEqual({
      completed: 1,
      active: 0,
      wait: 0,
    })
  })

  it('past closeTimeoutMs, aborts the signal and hands the job back without spending an attempt', async () => {
    const { box, start } = setup()
    let reason: unknown
    let started = false
    const worker = start({
      closeTimeoutMs: 200,
      on: {
        '*': (_e, { signal }) =>
          new Promise((_resolve, reject) => {
            started = true
            signal.addEventListener('abort', () => {
              reason = signal.reason
              reject(signal.reason)
            })
          }),
      },
    })
    const e = entry()
    await box.accept(e)
    await waitFor(() => started)
    await worker.close()
    expect(String(reason)).toMatch(/shutting down/)
    const [job] = await box.queue.getWaiting()
    expect(job?.data.id).toBe(e.id)
    expect(job?.attemptsMade).toBe(0)

    const attempts: number[] = []
    start({ on: { '*': (_e, { attempt }) => void attempts.push(attempt) } })
    await waitFor(() => attempts.length === 1)
    expect(attempts).toEqual([1])
    expect(await box.deadLetters()).toEqual([])
  })

  it('parses with the stored Content-Type (GitHub form bodies) and with custom schemes', async () => {
    const { box, start } = setup()
    const events: unknown[] = []
    const acme: Scheme = {
      ...githubScheme,
      name: 'acme',
      parse: (text) => ({ acme: text.toUpperCase() }),
    }
    start({ on: { '*': (event) => void events.push(event) }, schemes: [acme] })
    const form = `payload=${encodeURIComponent(JSON.stringify({ action: 'opened' }))}`
    await box.accept(
      entry({
        scheme: 'github',
        type: 'issues.opened',
        payload: form,
        fingerprint: sha256(form),
        contentType: 'application/x-www-form-urlencoded',
      }),
    )
    await box.accept(entry({ scheme: 'acme', payload: 'hi', fingerprint: sha256('hi') }))
    await waitFor(() => events.length === 2)
    expect(events).toContainEqual({ action: 'opened' })
    expect(events).toContainEqual({ acme: 'HI' })
  })

  it('dead-letters at once an event no scheme it knows can parse', async () => {
    const { box, start } = setup()
    const dead: unknown[] = []
    start({
      on: { '*': () => {} },
      onDeadLetter: (_e, error, info) => void dead.push({ info, error }),
    })
    const e = entry({ scheme: 'nobody-knows' })
    await box.accept(e)
    await waitFor(() => dead.length === 1)
    expect(dead[0]).toMatchObject({ info: { key: e.key, attempts: 1 } })
    await waitFor(async () => (await box.deadLetters()).length === 1)
  })

  it('validates its options with TypeErrors', () => {
    const connection = redisOptions()
    const on = { '*': () => {} }
    expect(() => createWorker(undefined as never)).toThrow(TypeError)
    expect(() => createWorker({ connection, on: { 'bad*': () => {} } })).toThrow(TypeError)
    expect(() => createWorker({ connection, on, concurrency: 0 })).toThrow(TypeError)
    expect(() => createWorker({ connection, on, retry: { attempts: 0 } })).toThrow(TypeError)
    expect(() => createWorker({ connection, on, queueName: 'a:b' })).toThrow(TypeError)
    expect(() => createWorker({ connection, on, closeTimeoutMs: -1 })).toThrow(TypeError)
    expect(() => createWorker({ connection, on, maxStalledCount: -1 })).toThrow(TypeError)
    expect(() => createWorker({ connection, on, onDeadLetter: 1 as never })).toThrow(TypeError)
    expect(() => createInbox({ connection, retentionMs: 0 })).toThrow(TypeError)
    expect(() => createInbox({} as never)).toThrow(TypeError)
  })
})
