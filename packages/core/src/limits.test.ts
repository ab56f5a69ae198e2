import { SECRET, signHookguard } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import type { Logger } from './logger.js'
import { MemoryIdempotencyStore } from './memory-store.js'
import { createReceiver, type Outcome } from './receiver.js'

// The bounds of in-process processing: a full store, the concurrency limit, and ids that cannot
// be keys exactly.

const body = (id: unknown) =>
  `{"id":${typeof id === 'string' ? JSON.stringify(id) : String(id)},"type":"order.created","created":1,"apiVersion":"1","data":{"object":{}}}`

async function deliver(receiver: ReturnType<typeof createReceiver>, payload: string) {
  const headers = signHookguard(payload, { timestamp: Math.floor(Date.now() / 1000) })
  return receiver.receive({ payload, headers })
}

function answered(outcome: Outcome) {
  if (outcome.action !== 'respond') throw new Error('expected the receiver to answer')
  return outcome
}

function recordingLogger() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = []
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message = '') =>
      void lines.push({ level, fields, message })
  const logger: Logger = { warn: at('warn'), error: at('error'), debug: at('debug') }
  return { logger, lines }
}

/** Handlers that stay running until `finish()`. */
function held() {
  const ran: string[] = []
  let finish!: () => void
  const gate = new Promise<void>((resolve) => {
    finish = resolve
  })
  const handler = async (event: { id: string }) => {
    ran.push(event.id)
    await gate
  }
  return { ran, handler, finish: () => finish() }
}

async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

describe('a bounded memory store under in-process processing', () => {
  it('keeps a claim in progress past maxEntries: its redelivery is 409, never a second run', async () => {
    const { ran, handler, finish } = held()
    const store = new MemoryIdempotencyStore({ maxEntries: 10 })
    const done: string[] = []
    const receiver = createReceiver({
      secret: SECRET,
      store,
      on: {
        'order.created': (event: { id: string }) =>
          event.id === 'evt_slow' ? handler(event) : void done.push(event.id),
      },
    })
    const first = answered(await deliver(receiver, body('evt_slow')))
    void first.background?.()
    await settle()
    for (let i = 0; i < 15; i++) {
      const other = answered(await deliver(receiver, body(`evt_${i}`)))
      expect(other.status).toBe(200)
      await other.background?.()
    }
    const again = answered(await deliver(receiver, body('evt_slow')))
    expect(again.status).toBe(409)
    expect(ran).toEqual(['evt_slow'])
    finish()
    await receiver.close()
  })

  it('answers 503 STORE_FULL with Retry-After and logs it when only claims in progress are left', async () => {
    const { handler, finish } = held()
    const { logger, lines } = recordingLogger()
    const receiver = createReceiver({
      secret: SECRET,
      store: new MemoryIdempotencyStore({ maxEntries: 3 }),
      logger,
      on: { 'order.created': handler },
    })
    for (const id of ['a', 'b', 'c'])
      void answered(await deliver(receiver, body(id))).background?.()
    const refused = answered(await deliver(receiver, body('d')))
    expect(refused).toMatchObject({
      status: 503,
      body: { code: 'STORE_FULL' },
      background: undefined,
    })
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ code: 'STORE_FULL', id: 'd' }),
      }),
    )
    finish()
    await settle()
    expect(answered(await deliver(receiver, body('d'))).status).toBe(200)
    await receiver.close()
  })
})

describe('maxConcurrent', () => {
  it.each(['before', 'after'] as const)(
    'with ack: %s, answers 503 BUSY with Retry-After past the limit and claims nothing',
    async (ack) => {
      const { ran, handler, finish } = held()
      const { logger, lines } = recordingLogger()
      const store = new MemoryIdempotencyStore()
      const receiver = createReceiver({
        secret: SECRET,
        ack,
        store,
        logger,
        maxConcurrent: 2,
        on: { 'order.created': handler },
      })
      const running = ['a', 'b'].map(async (id) => {
        const outcome = answered(await deliver(receiver, body(id)))
        await outcome.background?.()
        return outcome.status
      })
      // Both verify (a promise on Web Crypto) and claim before their handlers start: wait for
      // both, in either order, however loaded the machine is.
      for (let i = 0; i < 1000 && ran.length < 2; i++) await settle()
      expect([...ran].sort()).toEqual(['a', 'b'])
      for (const id of ['c', 'd']) {
        const busy = answered(await deliver(receiver, body(id)))
        expect(busy).toMatchObject({ status: 503, body: { code: 'BUSY' }, background: undefined })
        expect(busy.headers['retry-after']).toBeDefined()
      }
      // Refused deliveries left no claim behind: once a slot is free, c runs.
      expect((await store.begin('default:c', { fingerprint: 'x', leaseMs: 1 })).status).toBe(
        'acquired',
      )
      expect(lines.filter((line) => line.fields.code === 'BUSY')).toHaveLength(1)
      finish()
      expect(await Promise.all(running)).toEqual([200, 200])
      const later = answered(await deliver(receiver, body('e')))
      expect(later.status).toBe(200)
      await later.background?.()
      expect([...ran.slice(0, 2)].sort()).toEqual(['a', 'b'])
      expect(ran[2]).toBe('e')
      await receiver.close()
    },
  )

  it.each([0, 1.5, -1, Number.NaN])('refuses maxConcurrent %s', (maxConcurrent) => {
    expect(() => createReceiver({ secret: SECRET, maxConcurrent, on: { '*': () => {} } })).toThrow(
      TypeError,
    )
  })
})

describe('ids that cannot be keys exactly', () => {
  it.each([
    ['12345678901234567890', '12345678901234567891'],
    ['1', '"1"'],
  ])(
    'refuses a numeric id (%s vs %s) with INVALID_PAYLOAD pointing to idempotencyKey',
    async (a, b) => {
      const seen: unknown[] = []
      const receiver = createReceiver({
        secret: SECRET,
        ack: 'after',
        on: { 'order.created': (event: { id: unknown }) => void seen.push(event.id) },
      })
      const payloads = [a, b].map(
        (id) => `{"id":${id},"type":"order.created","created":1,"apiVersion":"1","data":{}}`,
      )
      const results = await Promise.all(
        payloads.map((payload) =>
          deliver(receiver, payload).then(
            (outcome) => answered(outcome).status,
            (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
          ),
        ),
      )
      // Never one key for two different events: a numeric id is refused, a string id runs.
      for (const result of results) {
        if (typeof result === 'number') expect(result).toBe(200)
        else expect(result).toMatch(/^INVALID_PAYLOAD: .*idempotencyKey/)
      }
      expect(results.filter((r) => r === 200).length).toBe(seen.length)
      expect(seen.every((id) => typeof id === 'string')).toBe(true)
      await receiver.close()
    },
  )

  it('keeps the two ids apart when idempotencyKey returns their text', async () => {
    const seen: string[] = []
    const receiver = createReceiver({
      secret: SECRET,
      ack: 'after',
      idempotencyKey: ({ event }) => String((event as { ref: string }).ref),
      on: { 'order.created': (event: { ref: string }) => void seen.push(event.ref) },
    })
    for (const ref of ['12345678901234567890', '12345678901234567891']) {
      const payload = `{"id":${ref},"ref":"${ref}","type":"order.created","data":{}}`
      expect(answered(await deliver(receiver, payload)).status).toBe(200)
    }
    expect(seen).toEqual(['12345678901234567890', '12345678901234567891'])
  })
})
