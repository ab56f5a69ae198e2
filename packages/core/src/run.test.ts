import { SECRET, signHookguard } from '@hookguard/test-kit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LogFields, Logger } from './logger.js'
import { MemoryIdempotencyStore } from './memory-store.js'
import type { DeliveryOutcome, HandlerRunOutcome } from './outcome-hook.js'
import { createReceiver, type Outcome, type ReceiverOptions } from './receiver.js'
import type { HandlerContext } from './router.js'
import type { DeadLetterInfo } from './run.js'

/** The receivers here check the real clock, so sign at the current time. */
const nowS = () => Math.floor(Date.now() / 1000)

const event = (id: string, type = 'order.created') =>
  JSON.stringify({ id, type, created: 1, apiVersion: '1', data: { object: {} } })

async function deliver(receiver: ReturnType<typeof createReceiver>, body: string) {
  return receiver.receive({ payload: body, headers: signHookguard(body, { timestamp: nowS() }) })
}

function respond(outcome: Outcome): Extract<Outcome, { action: 'respond' }> {
  if (outcome.action !== 'respond') throw new Error(`expected a response, got ${outcome.action}`)
  return outcome
}

/** A logger that keeps what it is given, as console or pino would print it. */
function memoryLogger() {
  const lines: Array<{ level: string; fields: LogFields; message: string }> = []
  const at =
    (level: string) =>
    (fields: LogFields, message: string): void =>
      void lines.push({ level, fields, message })
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  }
  return { logger, lines, codes: () => lines.map((l) => l.fields.code) }
}

const hour = 60 * 60 * 1000
const deadLetters = () => {
  const calls: Array<{ error: unknown; info: DeadLetterInfo }> = []
  return {
    calls,
    hook: (_e: unknown, error: unknown, info: DeadLetterInfo) => void calls.push({ error, info }),
  }
}

afterEach(() => vi.restoreAllMocks())

describe('the run loop', () => {
  it('ends the backoff wait as soon as the lease is lost', async () => {
    const store = new MemoryIdempotencyStore()
    const { logger } = memoryLogger()
    const dead = deadLetters()
    const receiver = createReceiver({
      secret: SECRET,
      store,
      logger,
      leaseMs: 30,
      // An hour's backoff: only the lost lease can end this wait within the test.
      retry: { attempts: 5, initialDelayMs: hour, jitter: 0 },
      onDeadLetter: dead.hook,
      on: {
        '*': () => {
          vi.spyOn(store, 'extend').mockResolvedValue(false)
          throw new Error('down')
        },
      },
    })
    const started = Date.now()
    await respond(await deliver(receiver, event('evt_lease'))).background?.()
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(dead.calls).toHaveLength(1)
    expect(dead.calls[0]?.info).toMatchObject({ attempts: 1, reason: 'lease_lost' })
  })

  it('logs failed complete, release and extend calls with the key, id and a code, never the secret', async () => {
    const store = new MemoryIdempotencyStore()
    const { logger, lines, codes } = memoryLogger()
    vi.spyOn(store, 'complete').mockRejectedValue(new Error('complete: connection reset'))
    vi.spyOn(store, 'release').mockRejectedValue(new Error('release: connection reset'))
    vi.spyOn(store, 'extend').mockRejectedValue(new Error('extend: connection reset'))
    const receiver = createReceiver({
      secret: SECRET,
      store,
      logger,
      leaseMs: 30,
      retry: { attempts: 1 },
      onDeadLetter: () => {},
      on: {
        'order.created': () => new Promise((resolve) => setTimeout(resolve, 40)),
        'order.failed': () => Promise.reject(new Error('handler down')),
      },
    })
    await respond(await deliver(receiver, event('evt_ok'))).background?.()
    await respond(await deliver(receiver, event('evt_bad', 'order.failed'))).background?.()
    expect(codes()).toEqual(
      expect.arrayContaining([
        'EXTEND_FAILED',
        'COMPLETE_FAILED',
        'HANDLER_FAILED',
        'RELEASE_FAILED',
      ]),
    )
    const complete = lines.find((l) => l.fields.code === 'COMPLETE_FAILED')
    expect(complete).toMatchObject({
      level: 'error',
      fields: { key: 'hookguard:evt_ok', id: 'evt_ok', err: expect.any(Error) },
    })
    expect(lines.find((l) => l.fields.code === 'RELEASE_FAILED')?.fields).toMatchObject({
      key: 'hookguard:evt_bad',
      id: 'evt_bad',
    })
    expect(JSON.stringify(lines)).not.toContain(SECRET)
  })

  it('takes console, and refuses a logger without warn and error', () => {
    expect(() => createReceiver({ secret: SECRET, on: {}, logger: console })).not.toThrow()
    expect(() =>
      createReceiver({ secret: SECRET, on: {}, logger: { warn() {} } as unknown as Logger }),
    ).toThrow(TypeError)
  })
})

describe('onOutcome', () => {
  it('reports every delivery and every handler run', async () => {
    const seen: Array<DeliveryOutcome | HandlerRunOutcome> = []
    let calls = 0
    const receiver = createReceiver({
      secret: SECRET,
      logger: memoryLogger().logger,
      retry: { attempts: 2, initialDelayMs: 1, jitter: 0 },
      onOutcome: (o) => void seen.push(o),
      on: {
        'order.created': () => {
          if (++calls === 1) throw new Error('flaky')
        },
      },
    })
    await respond(await deliver(receiver, event('evt_o'))).background?.()
    await deliver(receiver, event('evt_o'))
    await deliver(receiver, event('evt_i', 'other.thing'))
    await expect(receiver.receive({ payload: event('evt_x'), headers: {} })).rejects.toThrow()
    expect(
      seen.map((o) =>
        o.kind === 'delivery' ? `${o.code} ${o.status}` : `${o.result} #${o.attempt}`,
      ),
    ).toEqual([
      'RECEIVED 200',
      'error #1',
      'ok #2',
      'DUPLICATE 200',
      'IGNORED 200',
      'MISSING_HEADER 401',
    ])
    expect(seen[0]).toMatchObject({
      kind: 'delivery',
      scheme: 'hookguard',
      type: 'order.created',
      id: 'evt_o',
    })
    expect(seen[1]).toMatchObject({
      kind: 'run',
      key: 'hookguard:evt_o',
      id: 'evt_o',
      type: 'order.created',
    })
    for (const o of seen) expect(o.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('reports the last failed run as dead_letter, and survives a hook that throws', async () => {
    const { logger, codes } = memoryLogger()
    const results: string[] = []
    const receiver = createReceiver({
      secret: SECRET,
      logger,
      retry: { attempts: 1 },
      onDeadLetter: () => {},
      onOutcome: (o) => {
        if (o.kind === 'run') results.push(o.result)
        throw new Error('metrics down')
      },
      on: { '*': () => Promise.reject(new Error('x')) },
    })
    await respond(await deliver(receiver, event('evt_d'))).background?.()
    expect(results).toEqual(['dead_letter'])
    expect(codes()).toContain('ON_OUTCOME_FAILED')
  })
})

describe('close()', () => {
  const options = (extra: Partial<ReceiverOptions>): ReceiverOptions => ({
    secret: SECRET,
    logger: memoryLogger().logger,
    ...extra,
  })

  it('answers new deliveries 503 SHUTTING_DOWN and lets a running handler finish', async () => {
    let finished = false
    const receiver = createReceiver(
      options({
        on: {
          '*': async () => {
            await new Promise((resolve) => setTimeout(resolve, 50))
            finished = true
          },
        },
      }),
    )
    const first = respond(await deliver(receiver, event('evt_run')))
    void first.background?.()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const closing = receiver.close({ timeoutMs: 5_000 })
    expect(respond(await deliver(receiver, event('evt_new')))).toMatchObject({
      status: 503,
      body: { code: 'SHUTTING_DOWN' },
      headers: { 'retry-after': expect.any(String) },
    })
    await closing
    expect(finished).toBe(true)
  })

  it('dead-letters an event waiting out a backoff, at once, with reason shutdown', async () => {
    const dead = deadLetters()
    const receiver = createReceiver(
      options({
        retry: { attempts: 5, initialDelayMs: hour, jitter: 0 },
        onDeadLetter: dead.hook,
        on: { '*': () => Promise.reject(new Error('down')) },
      }),
    )
    const running = respond(await deliver(receiver, event('evt_wait'))).background?.()
    await new Promise((resolve) => setTimeout(resolve, 10))
    const started = Date.now()
    await receiver.close({ timeoutMs: 60_000 })
    await running
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(dead.calls.map((c) => c.info)).toEqual([
      {
        id: 'evt_wait',
        key: 'hookguard:evt_wait',
        type: 'order.created',
        attempts: 1,
        reason: 'shutdown',
      },
    ])
  })

  it('dead-letters a handler still running at the timeout, and aborts its signal', async () => {
    const dead = deadLetters()
    const store = new MemoryIdempotencyStore()
    let signal: AbortSignal | undefined
    const receiver = createReceiver(
      options({
        store,
        onDeadLetter: dead.hook,
        on: {
          '*': (_e, ctx) => {
            signal = ctx.signal
            return new Promise(() => {}) // never settles
          },
        },
      }),
    )
    void respond(await deliver(receiver, event('evt_stuck'))).background?.()
    await new Promise((resolve) => setTimeout(resolve, 5))
    await receiver.close({ timeoutMs: 30 })
    expect(signal?.aborted).toBe(true)
    expect(dead.calls).toHaveLength(1)
    expect(dead.calls[0]?.info).toMatchObject({ id: 'evt_stuck', reason: 'shutdown' })
    // Released: replaying it from the dead letter is possible.
    const again = createReceiver(options({ store, on: { '*': () => {} } }))
    expect(respond(await deliver(again, event('evt_stuck'))).status).toBe(200)
  })

  /** A receiver whose one event is running (a handler that waits to be released) and its context. */
  async function runningHandler(id: string) {
    const held: { context?: HandlerContext; release: () => void } = { release: () => {} }
    const receiver = createReceiver(
      options({
        onDeadLetter: () => {},
        on: {
          '*': (_e, ctx) => {
            held.context = ctx
            return new Promise<void>((resolve) => (held.release = resolve))
          },
        },
      }),
    )
    void respond(await deliver(receiver, event(id))).background?.()
    await new Promise((resolve) => setTimeout(resolve, 5))
    return { receiver, held }
  }

  it('aborts the signal of a handler that reads it only after the close began, and keeps it in a copy of the context', async () => {
    const { receiver, held } = await runningHandler('evt_late')
    const { context } = held
    expect(Object.keys(context ?? {})).toEqual(['id', 'type', 'attempt', 'signal'])
    const copied = { ...(context as HandlerContext) }
    expect(copied).toMatchObject({ id: 'evt_late', type: 'order.created', attempt: 1 })
    expect(copied.signal).toBeInstanceOf(AbortSignal)
    expect(copied.signal).toBe(context?.signal)
    expect(copied.signal.aborted).toBe(false)
    await receiver.close({ timeoutMs: 10 })
    expect(context?.signal.aborted).toBe(true)
    expect(copied.signal.aborted).toBe(true)
    held.release()
  })

  it('gives a handler that never read its signal an aborted one when it reads it after the close', async () => {
    const { receiver, held } = await runningHandler('evt_unread')
    const { context } = held
    await receiver.close({ timeoutMs: 10 })
    expect(context?.signal.aborted).toBe(true)
    expect(String(context?.signal.reason)).toMatch(/closed before the handler finished/)
    held.release()
  })

  it('validates timeoutMs', async () => {
    const receiver = createReceiver(options({ on: { '*': () => {} } }))
    expect(() => receiver.close({ timeoutMs: -1 })).toThrow(TypeError)
  })
})
