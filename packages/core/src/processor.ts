import { type ClaimResult, createClaimer } from './claim.js'
import type { EventIdOf } from './key.js'
import { checkLogger, type Logger } from './logger.js'
import { MemoryIdempotencyStore } from './memory-store.js'
import { type OnOutcome, outcomeReporter } from './outcome-hook.js'
import { type RetryOptions, retryPolicy } from './retry.js'
import { createRouter, type Handlers } from './router.js'
import { createRunner, type DeadLetterHook, type Runner } from './run.js'
import { DEFAULT_LEASE_MS, DEFAULT_RETENTION_MS, type IdempotencyStore } from './store.js'
import type { VerifiedWebhook } from './verify.js'

/** When the sender gets its answer. */
export type AckMode = 'before' | 'after'

/** The options only in-process processing (`on` handlers in this process) uses. */
export interface InProcessOptions<E = unknown> {
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
  /**
   * Most events claimed and running at once in this process (both ack modes); past it a delivery
   * is answered `503 BUSY` with `Retry-After` and nothing is claimed, so the sender paces itself
   * and nothing acknowledged waits in memory unbounded. Default 256.
   */
  maxConcurrent?: number
  /**
   * Called when `ack: 'before'` gives up on an event (attempts ran out, lease lost, or shutdown:
   * see `info.reason`); default logs it with `logger.error`.
   */
  onDeadLetter?: DeadLetterHook<E>
}

/** How events are routed to handlers and made to take effect once. */
export interface ProcessorOptions<E = unknown> extends InProcessOptions<E> {
  /** Handlers keyed by event type: exact, `prefix.*` or `*`; the most specific one runs. */
  on: Handlers<E>
  /** The idempotency key; default the scheme's event id (the event's `id` for the default scheme). */
  idempotencyKey?: EventIdOf<E>
  /** Where failures nobody is answered about go; default `console`. */
  logger?: Logger
  /** Called once per delivery and once per handler run, for metrics. */
  onOutcome?: OnOutcome
}

/**
 * Every in-process option, checked by the compiler against `InProcessOptions`: a new option
 * that is not listed here does not build.
 */
export const IN_PROCESS_OPTIONS = Object.keys({
  store: true,
  ack: true,
  leaseMs: true,
  retentionMs: true,
  retry: true,
  maxConcurrent: true,
  onDeadLetter: true,
} satisfies Record<keyof InProcessOptions, true>) as Array<keyof InProcessOptions>

/** What happened to one event handed to `process`. */
export type ProcessStatus = 'processed' | 'duplicate' | 'in_progress' | 'mismatch' | 'ignored'

/** How long `close` waits for running handlers by default. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000

/** What `close` takes. */
export interface CloseOptions {
  /** How long running handlers may take to finish; default 10 s. */
  timeoutMs?: number
}

/** Claims, routes and runs verified events. */
export interface Processor<E = unknown> {
  /**
   * Run one already-verified event now, once (queue consumers, cron replays). A handler failure
   * releases the claim and rethrows; a store failure rejects before anything runs.
   */
  process(
    webhook: VerifiedWebhook<E>,
    payload: string | Uint8Array,
  ): Promise<{ status: ProcessStatus }>
  /**
   * Waits up to `timeoutMs` for running handlers; events that cannot finish go to the dead-letter
   * hook with `reason: 'shutdown'`.
   */
  close(options?: CloseOptions): Promise<void>
}

/** Default of `maxConcurrent`. */
export const DEFAULT_MAX_CONCURRENT = 256

/** Counts events between claiming and the end of their run, up to `maxConcurrent`. */
export interface Slots {
  /** Takes a slot; `false` (and one warning per busy spell) when all are taken. */
  take(): boolean
  give(): void
}

function createSlots(max: number, logger: Logger): Slots {
  let used = 0
  let warned = false
  return {
    take() {
      if (used < max) {
        used++
        return true
      }
      if (!warned) {
        warned = true
        logger.warn(
          { code: 'BUSY', maxConcurrent: max },
          `[hookguard] ${max} events are in progress (maxConcurrent): new deliveries get 503 until one ends`,
        )
      }
      return false
    },
    give() {
      used--
      if (used < max) warned = false
    },
  }
}

/** The claiming and running layers, built from checked options. */
export interface Processing<E> {
  ack: AckMode
  slots: Slots
  claim(webhook: VerifiedWebhook<E>, payload: string | Uint8Array): Promise<ClaimResult<E>>
  runner: Runner<E>
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new TypeError(`${name} must be a whole number of milliseconds >= 1`)
  return value
}

/** Checks close's options; the default timeout is 10 s. */
export function closeTimeout(options: CloseOptions | undefined): number {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw new TypeError('close({ timeoutMs }): timeoutMs must be a number >= 0')
  }
  return timeoutMs
}

/** Validates the processing options once and builds the claiming and running layers. */
export function createProcessing<E>(
  options: ProcessorOptions<E>,
  logger: Logger,
  report: OnOutcome | undefined,
): Processing<E> {
  const route = createRouter(options.on)
  const store = options.store ?? new MemoryIdempotencyStore()
  if (typeof store.begin !== 'function' || typeof store.complete !== 'function') {
    throw new TypeError('store must implement IdempotencyStore (begin, extend, complete, release)')
  }
  const ack = options.ack ?? 'before'
  if (ack !== 'before' && ack !== 'after') throw new TypeError("ack must be 'before' or 'after'")
  const leaseMs = positive('leaseMs', options.leaseMs ?? DEFAULT_LEASE_MS)
  const retentionMs = positive('retentionMs', options.retentionMs ?? DEFAULT_RETENTION_MS)
  const { onDeadLetter, idempotencyKey: idOf } = options
  if (onDeadLetter !== undefined && typeof onDeadLetter !== 'function') {
    throw new TypeError('onDeadLetter must be a function')
  }
  if (idOf !== undefined && typeof idOf !== 'function') {
    throw new TypeError('idempotencyKey must be a function')
  }
  const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT
  if (!Number.isSafeInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new TypeError('maxConcurrent must be a whole number >= 1')
  }
  const policy = retryPolicy(options.retry)
  return {
    ack,
    slots: createSlots(maxConcurrent, logger),
    claim: createClaimer({ route, store, leaseMs, idOf, logger }),
    runner: createRunner({ store, leaseMs, retentionMs, policy, onDeadLetter, logger, report }),
  }
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
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createProcessor(options): options must be an object with on handlers')
  }
  const logger = checkLogger(options.logger)
  const { claim, runner } = createProcessing(
    options,
    logger,
    outcomeReporter(options.onOutcome, logger),
  )
  return {
    async process(webhook, payload) {
      const claimed = await claim(webhook, payload)
      switch (claimed.status) {
        case 'store_unavailable':
          throw claimed.error
        case 'store_full':
          throw new Error(
            `The idempotency store holds only events in progress (maxEntries); retry in ${claimed.retryAfterMs} ms`,
          )
        case 'acquired': {
          const ran = await runner.runOnce(claimed.claim)
          if (ran.status === 'failed') throw ran.error
          return { status: 'processed' }
        }
        default:
          return { status: claimed.status }
      }
    },
    close: (closeOptions) => runner.close(closeTimeout(closeOptions)),
  }
}
