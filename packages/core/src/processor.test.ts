import { SECRET, signHookguard, signSlack } from '@hookguard/test-kit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemoryIdempotencyStore } from './memory-store.js'
import { createProcessor } from './processor.js'
import { createReceiver, type Outcome, type ReceiverOptions } from './receiver.js'
import type { IdempotencyStore } from './store.js'
import { verifyWebhook } from './verify.js'

/** The receivers here check the real clock, so sign at the current time. */
const nowS = () => Math.floor(Date.now() / 1000)

const event = (id: string, type = 'order.created', extra: object = {}) =>
  JSON.stringify({
    id,
    type,
    created: 1,
    apiVersion: '1',
    data: { object: { id: `obj_${id}`, ...extra } },
  })

async function deliver(receiver: ReturnType<typeof createReceiver>, body: string) {
  const headers = signHookguard(body, { timestamp: nowS() })
  return receiver.receive({ payload: body, headers })
}

type Respond = Extract<Outcome, { action: 'respond' }>
function respond(outcome: Outcome): Respond {
  if (outcome.action !== 'respond') throw new Error(`expected a response, got ${outcome.action}`)
  return outcome
}

const fast = { attempts: 3, initialDelayMs: 5, factor: 2, jitter: 0 }

afterEach(() => {
  vi.restoreAllMocks()
})

describe('processing with ack: after', () => {
  it('runs a new event, then answers duplicates without running it again', async () => {
    const seen: string[] = []
    const receiver = createReceiver({
      secret: SECRET,
      ack: 'after',
      on: { 'order.created': (e: { id: string }) => void seen.push(e.id) },
    })
    const first = respond(await deliver(receiver, event('evt_1')))
    expect(first).toMatchObject({ status: 200, body: { received: true }, background: undefined })
    expect(seen).toEqual(['evt_1'])
    expect(respond(await deliver(receiver, event('evt_1')))).toMatchObject({
      status: 200,
      body: { received: true, duplicate: true },
    })
    expect(seen).toEqual(['evt_1'])
  })

  it('answers 500 and releases the claim when the handler throws, so the retry runs it', async () => {
    let calls = 0
    const receiver = createReceiver({
      secret: SECRET,
      ack: 'after',
      on: {
        '*': () => {
          calls++
          if (calls === 1) throw new Error('flaky')
        },
      },
    })
    expect(respond(await deliver(receiver, event('evt_2')))).toMatchObject({
      status: 500,
      body: { code: 'HANDLER_FAILED' },
    })
    expect(respond(await deliver(receiver, event('evt_2')))).toMatchObject({
      status: 200,
      body: { received: true },
    })
    expect(calls).toBe(2)
  })

  it('answers 409 with Retry-After while the first delivery still runs', async () => {
    let finish!: () => void
    const receiver = createReceiver({
      secret: SECRET,
      ack: 'after',
      leaseMs: 20_000,
      on: { '*': () => new Promise<void>((resolve) => (finish = resolve)) },
    })
    const first = deliver(receiver, event('evt_3'))
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'))
    const second = respond(await deliver(receiver, event('evt_3')))
    expect(second).toMatchObject({ status: 409, body: { code: 'IN_PROGRESS' } })
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(19)
    finish()
    expect(respond(await first).status).toBe(200)
  })
})

describe('processing with ack: before (the default)', () => {
  it('answers 200 once claimed and runs the handler in the background', async () => {
    const seen: string[] = []
    const receiver = createReceiver({
      secret: SECRET,
      on: { 'order.*': (e: { id: string }) => void seen.push(e.id) },
    })
    const outcome = respond(await deliver(receiver, event('evt_4')))
    expect(outcome).toMatchObject({ status: 200, body: { received: true } })
    expect(seen).toEqual([])
    await outcome.background?.()
    expect(seen).toEqual(['evt_4'])
    expect(respond(await deliver(receiver, event('evt_4'))).body).toEqual({
      received: true,
      duplicate: true,
    })
  })

  it('answers an in-progress duplicate 409 with Retry-After, never acknowledging unfinished work', async () => {
    const receiver = createReceiver({ secret: SECRET, on: { '*': () => {} } })
    await deliver(receiver, event('evt_5')) // claimed, background not started yet
    expect(respond(await deliver(receiver, event('evt_5')))).toMatchObject({
      status: 409,
      body: { code: 'IN_PROGRESS' },
      headers: { 'retry-after': '30' },
    })
  })

  it('retries with backoff, then hands the event to onDeadLetter and releases it', async () => {
    const attempts: number[] = []
    const dead: unknown[] = []
    const receiver = createReceiver<{ id: string }>({
      secret: SECRET,
      retry: fast,
      on: {
        '*': (_e, ctx) => {
          attempts.push(ctx.attempt)
          throw new Error(`boom ${ctx.attempt}`)
        },
      },
      onDeadLetter: (e: { id: string }, error, info) =>
        void dead.push([e.id, (error as Error).message, info]),
    })
    const started = Date.now()
    await respond(await deliver(receiver, event('evt_6'))).background?.()
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 + 10)
    expect(attempts).toEqual([1, 2, 3])
    expect(dead).toEqual([
      [
        'evt_6',
        'boom 3',
        {
          id: 'evt_6',
          key: 'hookguard:evt_6',
          type: 'order.created',
          attempts: 3,
          reason: 'failed',
        },
      ],
    ])
    // Released: a redelivery (say, from the sender's dashboard) runs it again.
    expect(respond(await deliver(receiver, event('evt_6'))).body).toEqual({ received: true })
  })

  it('succeeds on a retry and completes the event', async () => {
    let calls = 0
    const receiver = createReceiver({
      secret: SECRET,
      retry: fast,
      on: {
        '*': () => {
          if (++calls < 3) throw new Error('not yet')
        },
      },
    })
    await respond(await deliver(receiver, event('evt_7'))).background?.()
    expect(calls).toBe(3)
    expect(respond(await deliver(receiver, event('evt_7'))).body).toEqual({
      received: true,
      duplicate: true,
    })
  })

  it('logs a dead letter when no onDeadLetter is given, and survives one that throws', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const receiver = createReceiver({
      secret: SECRET,
      retry: { attempts: 1 },
      on: { '*': () => Promise.reject(new Error('x')) },
    })
    await respond(await deliver(receiver, event('evt_8'))).background?.()
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'DEAD_LETTER', id: 'evt_8', err: expect.any(Error) }),
      expect.stringContaining('evt_8'),
    )
    const throwing = createReceiver({
      secret: SECRET,
      retry: { attempts: 1 },
      on: { '*': () => Promise.reject(new Error('x')) },
      onDeadLetter: () => {
        throw new Error('dead letter queue down')
      },
    })
    await expect(
      respond(await deliver(throwing, event('evt_9'))).background?.(),
    ).resolves.toBeUndefined()
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'DEAD_LETTER_HOOK_FAILED', key: 'hookguard:evt_9' }),
      '[hookguard] onDeadLetter threw',
    )
  })
})

describe('processing: the rest of the table', () => {
  it('answers 422 for the same id with a different body', async () => {
    const receiver = createReceiver({ secret: SECRET, ack: 'after', on: { '*': () => {} } })
    await deliver(receiver, event('evt_10'))
    expect(
      respond(await deliver(receiver, event('evt_10', 'order.created', { changed: true }))),
    ).toMatchObject({
      status: 422,
      body: { code: 'IDEMPOTENCY_MISMATCH' },
    })
  })

  it('answers 503 with Retry-After and runs nothing when the store is down', async () => {
    const down: IdempotencyStore = {
      begin: () => Promise.reject(new Error('ECONNREFUSED')),
      extend: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => Promise.reject(new Error('ECONNREFUSED')),
      release: () => Promise.reject(new Error('ECONNREFUSED')),
    }
    const handler = vi.fn()
    for (const ack of ['before', 'after'] as const) {
      const receiver = createReceiver({ secret: SECRET, ack, store: down, on: { '*': handler } })
      const outcome = respond(await deliver(receiver, event('evt_11')))
      expect(outcome).toMatchObject({
        status: 503,
        headers: { 'retry-after': '5' },
        body: { code: 'STORE_UNAVAILABLE' },
      })
      expect(outcome.background).toBeUndefined()
    }
    expect(handler).not.toHaveBeenCalled()
  })

  it('acknowledges and ignores an event no handler matches, without touching the store', async () => {
    const store = new MemoryIdempotencyStore()
    const begin = vi.spyOn(store, 'begin')
    const receiver = createReceiver({ secret: SECRET, store, on: { 'invoice.*': () => {} } })
    expect(respond(await deliver(receiver, event('evt_12', 'order.created')))).toMatchObject({
      status: 200,
      body: { received: true },
    })
    expect(begin).not.toHaveBeenCalled()
  })

  it('rejects an event without an id as INVALID_PAYLOAD, unless idempotencyKey finds one', async () => {
    const body = JSON.stringify({ type: 'order.created', data: {} })
    await expect(
      deliver(createReceiver({ secret: SECRET, on: { '*': () => {} } }), body),
    ).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    })
    const keyed = createReceiver({
      secret: SECRET,
      on: { '*': () => {} },
      idempotencyKey: (w) => (w.event as { type: string }).type,
    })
    expect(respond(await deliver(keyed, body)).status).toBe(200)
  })

  it('runs one of 50 concurrent deliveries of one event, in both modes', async () => {
    for (const ack of ['before', 'after'] as const) {
      const handler = vi.fn(async () => new Promise((r) => setTimeout(r, 5)))
      const receiver = createReceiver({ secret: SECRET, ack, on: { '*': handler } })
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () => deliver(receiver, event(`evt_c_${ack}`)).then(respond)),
      )
      await Promise.all(outcomes.map((o) => o.background?.()))
      expect(handler).toHaveBeenCalledTimes(1)
      expect(
        outcomes.filter((o) => o.status === 200 && !(o.body as { duplicate?: boolean }).duplicate),
      ).toHaveLength(1)
    }
  })

  it('aborts the handler signal when the lease is lost', async () => {
    const store = new MemoryIdempotencyStore()
    let signal: AbortSignal | undefined
    const receiver = createReceiver({
      secret: SECRET,
      ack: 'after',
      store,
      leaseMs: 30,
      on: {
        '*': async (_e, ctx) => {
          signal = ctx.signal
          vi.spyOn(store, 'extend').mockResolvedValue(false)
          await new Promise((r) => setTimeout(r, 60))
        },
      },
    })
    await deliver(receiver, event('evt_13'))
    expect(signal?.aborted).toBe(true)
  })

  it.each<[string, Partial<ReceiverOptions>]>([
    ['a store without on', { store: new MemoryIdempotencyStore() }],
    ['a bad ack', { on: {}, ack: 'later' as never }],
    ['a zero lease', { on: {}, leaseMs: 0 }],
    ['a bad retry', { on: {}, retry: { attempts: 0 } }],
    ['a non-store', { on: {}, store: {} as never }],
    ['a non-function onDeadLetter', { on: {}, onDeadLetter: 'x' as never }],
  ])('throws TypeError for %s', (_name, options) => {
    expect(() => createReceiver({ secret: SECRET, ...options })).toThrow(TypeError)
  })
})

describe('createProcessor().process for queue consumers', () => {
  it('reports processed, duplicate, ignored and mismatch, and rethrows handler failures', async () => {
    let fail = true
    const processor = createProcessor({
      on: {
        'order.*': () => {
          if (fail) throw new Error('first run fails')
        },
      },
    })
    const run = async (body: string) => {
      const headers = signHookguard(body, { timestamp: nowS() })
      return processor.process(
        await verifyWebhook({ payload: body, headers, secret: SECRET }),
        body,
      )
    }
    await expect(run(event('q_1'))).rejects.toThrow('first run fails')
    fail = false
    await expect(run(event('q_1'))).resolves.toEqual({ status: 'processed' })
    await expect(run(event('q_1'))).resolves.toEqual({ status: 'duplicate' })
    await expect(run(event('q_1', 'order.created', { other: 1 }))).resolves.toEqual({
      status: 'mismatch',
    })
    await expect(run(event('q_2', 'user.created'))).resolves.toEqual({ status: 'ignored' })
  })
})

describe('sender handshakes', () => {
  it("answers Slack's url_verification with its challenge, with or without on handlers", async () => {
    const body = JSON.stringify({ token: 't', challenge: 'c-123', type: 'url_verification' })
    const handler = vi.fn()
    for (const options of [{}, { on: { '*': handler } }]) {
      const receiver = createReceiver({ scheme: 'slack', secret: SECRET, ...options })
      const headers = signSlack(body, { timestamp: nowS() })
      const outcome = respond(
        await receiver.receive({
          payload: body,
          headers: { ...headers, 'content-type': 'application/json' },
        }),
      )
      expect(outcome).toMatchObject({ status: 200, body: { challenge: 'c-123' } })
    }
    expect(handler).not.toHaveBeenCalled()
  })
})
