import { crypto } from '#crypto'
import { hexEncode } from './encoding.js'
import { WebhookVerificationError } from './errors.js'
import { holdLease } from './lease.js'
import { MemoryIdempotencyStore } from './memory-store.js'
import type { Outcome } from './receiver.js'
import { backoffDelay, type RetryOptions, retryPolicy } from './retry.js'
import { createRouter, type Handler, type Handlers } from './router.js'
import { DEFAULT_LEASE_MS, DEFAULT_RETENTION_MS, type IdempotencyStore } from './store.js'
import type { VerifiedWebhook } from './verify.js'

/** When the sender gets its answer. */
export type AckMode = 'before' | 'after'

/** What the dead-letter hook learns about an event that kept failing. */
export interface DeadLetterInfo {
  id: string
  type: string
  attempts: number
}

/** How events are routed to handlers and made to take effect once. */
export interface ProcessorOptions<E = unknown> {
  /** Handlers keyed by event type: exact, `prefix.*` or `*`; the most specific one runs. */
  on: Handlers<E>
  /** Where claims live; default a `MemoryIdempotencyStore` (one process only). */
  store?: IdempotencyStore
  /** `'before'` (default): answer 200 once claimed, then run. `'after'`: run, then answer. */
  ack?: AckMode
  /** How long a claim lives without a heartbeat; default 30 s. */
  leaseMs?: number
  /** How long a completed event is remembered; default 72 h. */
  retentionMs?: number
  /** In-process retries for `ack: 'before'`. */
  retry?: RetryOptions
  /** Called when `ack: 'before'` gives up on an event; default logs it with `console.error`. */
  onDeadLetter?: (event: E, error: unknown, info: DeadLetterInfo) => unknown
  /** The idempotency key; default the scheme's event id (the event's `id` for the default scheme). */
  idempotencyKey?: (webhook: VerifiedWebhook<E>) => string | undefined
}

/** What happened to one event handed to `process`. */
export type ProcessStatus = 'processed' | 'duplicate' | 'in_progress' | 'mismatch' | 'ignored'

/** Claims, routes and runs verified events. */
export interface Processor<E = unknown> {
  /** The HTTP answer for a verified webhook, per the table in the README; adapters use this. */
  handle(webhook: VerifiedWebhook<E>, payload: string | Uint8Array): Promise<Outcome>
  /**
   * Run one already-verified event now, once (queue consumers, cron replays). A handler failure
   * releases the claim and rethrows; a store failure rejects before anything runs.
   */
  process(
    webhook: VerifiedWebhook<E>,
    payload: string | Uint8Array,
  ): Promise<{ status: ProcessStatus }>
}

const STORE_RETRY_AFTER_S = 5
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Outcome => ({
  action: 'respond',
  status,
  body,
  headers,
  webhook: undefined,
  background: undefined,
})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new TypeError(`${name} must be a whole number of milliseconds >= 1`)
  return value
}

/** Logs, because a dead letter nobody hears about is a lost event. */
function logDeadLetter(_event: unknown, error: unknown, info: DeadLetterInfo): void {
  console.error(
    `[hookguard] event ${info.id} (${info.type}) failed after ${info.attempts} attempts`,
    error,
  )
}

type Claim<E> =
  | { kind: 'ignored' }
  | { kind: 'store_error'; error: unknown }
  | {
      kind: 'result'
      key: string
      id: string
      type: string
      handler: Handler<E>
      result: Awaited<ReturnType<IdempotencyStore['begin']>>
    }

/**
 * Builds the idempotent processing that adapters run for `on` handlers; usable without a framework.
 *
 * @example
 * const processor = createProcessor({ on: { 'order.created': fulfil }, store })
 * const webhook = await verifyWebhook({ payload, headers, secret })
 * const { status } = await processor.process(webhook, payload) // 'processed' | 'duplicate' | …
 */
export function createProcessor<E = unknown>(options: ProcessorOptions<E>): Processor<E> {
  const route = createRouter(options.on)
  const store = options.store ?? new MemoryIdempotencyStore()
  if (typeof store.begin !== 'function' || typeof store.complete !== 'function') {
    throw new TypeError('store must implement IdempotencyStore (begin, extend, complete, release)')
  }
  const ack = options.ack ?? 'before'
  if (ack !== 'before' && ack !== 'after') throw new TypeError("ack must be 'before' or 'after'")
  const leaseMs = positive('leaseMs', options.leaseMs ?? DEFAULT_LEASE_MS)
  const retentionMs = positive('retentionMs', options.retentionMs ?? DEFAULT_RETENTION_MS)
  const policy = retryPolicy(options.retry)
  const onDeadLetter = options.onDeadLetter ?? logDeadLetter
  const keyOf = options.idempotencyKey ?? ((webhook: VerifiedWebhook<E>) => webhook.id)
  if (typeof onDeadLetter !== 'function') throw new TypeError('onDeadLetter must be a function')
  if (typeof keyOf !== 'function') throw new TypeError('idempotencyKey must be a function')

  async function claim(
    webhook: VerifiedWebhook<E>,
    payload: string | Uint8Array,
  ): Promise<Claim<E>> {
    const handler = route(webhook.type)
    if (!handler) return { kind: 'ignored' }
    const id = keyOf(webhook)
    if (typeof id !== 'string' || id === '') {
      throw new WebhookVerificationError(
        'INVALID_PAYLOAD',
        'The event has no id to deduplicate on (see idempotencyKey)',
      )
    }
    // Scheme-qualified, so two senders sharing a store cannot collide on an id.
    const key = `${webhook.scheme.name}:${id}`
    try {
      const fingerprint = hexEncode(await crypto.sha256([payload]))
      const result = await store.begin(key, { fingerprint, leaseMs })
      return { kind: 'result', key, id, type: webhook.type ?? '', handler, result }
    } catch (error) {
      return { kind: 'store_error', error }
    }
  }

  /**
   * Runs the handler under one held lease, up to `attempts` times with backoff in between, and
   * completes the claim on success. After the last failure (or a lost lease) it returns the
   * failure and leaves the claim to the caller, who reports it and then releases it.
   */
  async function runClaimed(
    event: E,
    c: Extract<Claim<E>, { kind: 'result' }>,
    token: string,
    attempts: number,
  ): Promise<{ error: unknown; attempts: number } | undefined> {
    const lease = holdLease(store, c.key, token, leaseMs)
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await c.handler(event, { id: c.id, type: c.type, attempt, signal: lease.signal })
        } catch (error) {
          if (attempt < attempts) await sleep(backoffDelay(policy, attempt))
          if (attempt >= attempts || lease.signal.aborted) return { error, attempts: attempt }
          continue
        }
        lease.stop()
        // The effect happened: a store hiccup here must not turn into a retry that repeats it.
        await store.complete(c.key, token, { retentionMs }).catch(() => {})
        return undefined
      }
    } finally {
      lease.stop()
    }
  }

  const release = (c: Extract<Claim<E>, { kind: 'result' }>, token: string) =>
    store.release(c.key, token).catch(() => {})

  /** `ack: 'after'` and `process`: one run; a failure releases the claim and is rethrown. */
  async function runOnce(event: E, c: Extract<Claim<E>, { kind: 'result' }>, token: string) {
    const failure = await runClaimed(event, c, token, 1)
    if (!failure) return
    await release(c, token)
    throw failure.error
  }

  /** `ack: 'before'`: retries, then the dead-letter hook, then the claim is released. */
  async function runWithRetries(event: E, c: Extract<Claim<E>, { kind: 'result' }>, token: string) {
    const failure = await runClaimed(event, c, token, policy.attempts)
    if (!failure) return
    try {
      await onDeadLetter(event, failure.error, {
        id: c.id,
        type: c.type,
        attempts: failure.attempts,
      })
    } catch (error) {
      console.error('[hookguard] onDeadLetter threw', error)
    }
    await release(c, token)
  }

  return {
    async handle(webhook, payload) {
      const c = await claim(webhook, payload)
      if (c.kind === 'ignored') return json(200, { received: true })
      if (c.kind === 'store_error') {
        return json(
          503,
          { error: 'The idempotency store is unavailable; retry later', code: 'STORE_UNAVAILABLE' },
          { 'retry-after': String(STORE_RETRY_AFTER_S) },
        )
      }
      const { result } = c
      switch (result.status) {
        case 'completed':
          return json(200, { received: true, duplicate: true })
        case 'mismatch':
          return json(422, {
            error: 'This event id was already received with a different body',
            code: 'IDEMPOTENCY_MISMATCH',
          })
        case 'in_progress':
          if (ack === 'before') return json(200, { received: true, duplicate: true })
          return json(
            409,
            { error: 'This event is being processed; retry later', code: 'IN_PROGRESS' },
            { 'retry-after': String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))) },
          )
        case 'acquired':
          if (ack === 'before') {
            return {
              ...json(200, { received: true }),
              webhook,
              background: () => runWithRetries(webhook.event, c, result.token).catch(() => {}),
            }
          }
          try {
            await runOnce(webhook.event, c, result.token)
          } catch {
            return json(500, {
              error: 'The handler failed; the event will run again when the sender retries',
              code: 'HANDLER_FAILED',
            })
          }
          return { ...json(200, { received: true }), webhook }
      }
    },

    async process(webhook, payload) {
      const c = await claim(webhook, payload)
      if (c.kind === 'ignored') return { status: 'ignored' }
      if (c.kind === 'store_error') throw c.error
      const { result } = c
      if (result.status !== 'acquired') {
        return { status: result.status === 'completed' ? 'duplicate' : result.status }
      }
      await runOnce(webhook.event, c, result.token)
      return { status: 'processed' }
    },
  }
}
