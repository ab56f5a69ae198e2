import type { Claim } from './claim.js'
import { createHeartbeat, type Lease } from './lease.js'
import { type Linked, LinkedList } from './linked-list.js'
import type { Logger } from './logger.js'
import type { HandlerRunOutcome, OnOutcome } from './outcome-hook.js'
import { backoffDelay, type RetryPolicy } from './retry.js'
import type { HandlerContext } from './router.js'
import type { IdempotencyStore } from './store.js'

/**
 * Why an event went to the dead-letter hook: its attempts ran out (`failed`), another owner may
 * have taken it over (`lease_lost`), or the receiver closed before it could finish (`shutdown`).
 */
export type DeadLetterReason = 'failed' | 'lease_lost' | 'shutdown'

/** What the dead-letter hook learns about an event that could not finish. */
export interface DeadLetterInfo {
  id: string
  type: string
  /** The idempotency key, `${scheme}:${id}`. */
  key: string
  attempts: number
  reason: DeadLetterReason
}

/** Gets the events that could not finish, so the application can keep them. */
export type DeadLetterHook<E> = (event: E, error: unknown, info: DeadLetterInfo) => unknown

/** How a run of a claimed event ended. */
export type RunResult = { status: 'completed' } | { status: 'failed'; error: unknown }

export interface RunnerConfig<E> {
  store: IdempotencyStore
  leaseMs: number
  retentionMs: number
  policy: RetryPolicy
  onDeadLetter: DeadLetterHook<E> | undefined
  logger: Logger
  report: OnOutcome | undefined
}

/** Runs claimed events: attempts, the lease, backoff, the dead letter, complete or release. */
export interface Runner<E> {
  /** One attempt (`ack: 'after'`, `process`); a failure releases the claim for the sender's retry. */
  runOnce(claim: Claim<E>): Promise<RunResult>
  /**
   * `ack: 'before'`: attempts with backoff, then the dead-letter hook; `done` is called once it all
   * ended. Never rejects.
   */
  runInBackground(claim: Claim<E>, done?: () => void): Promise<void>
  /** Drops a claim nobody will run (the receiver closed while claiming). */
  release(claim: Claim<E>): Promise<void>
  /** Stops starting attempts, waits up to `timeoutMs` for running ones, dead-letters the rest. */
  close(timeoutMs: number): Promise<void>
}

type Ended =
  | { status: 'completed' }
  | { status: 'failed'; error: unknown; attempts: number; reason: DeadLetterReason }
  | { status: 'abandoned' }

/** One claimed event from the start of its run until everything about it ended. */
interface ActiveRun<E> extends Linked<ActiveRun<E>> {
  claim: Claim<E>
  lease: Lease
  background: boolean
  attempt: number
  /** Still in its attempts (not dead-lettering or releasing): what close's timeout gives up on. */
  attempting: boolean
  abandoned: boolean
  /** Ends a backoff wait early; set while waiting. */
  wake: (() => void) | undefined
}

/** A handler that returned no promise ended already: awaiting it would only cost a turn. */
const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function'

/**
 * What a handler gets besides the event. `signal` is an own, enumerable getter (spread, `toEqual`
 * and logs see it as before) that makes the lease's `AbortSignal` on first read, so a handler that
 * never reads it costs no `AbortController` (several microseconds, more than the rest of a quick
 * run); the shared descriptor costs about half a microsecond.
 */
class RunContext implements HandlerContext {
  static readonly #SIGNAL: PropertyDescriptor = {
    get(this: RunContext) {
      return this.#lease.signal
    },
    enumerable: true,
  }
  readonly #lease: Lease
  declare readonly signal: AbortSignal

  constructor(
    readonly id: string,
    readonly type: string,
    readonly attempt: number,
    lease: Lease,
  ) {
    this.#lease = lease
    Object.defineProperty(this, 'signal', RunContext.#SIGNAL)
  }
}

const COMPLETED = { status: 'completed' } as const
const ABANDONED = { status: 'abandoned' } as const

/** Waits `ms`, or less when `signal` aborts or the run is woken (the receiver is closing). */
function backoff(run: ActiveRun<unknown>, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      run.wake = undefined
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
    run.wake = done
  })
}

export function createRunner<E>(config: RunnerConfig<E>): Runner<E> {
  const { store, leaseMs, retentionMs, policy, logger, report } = config
  const heartbeat = createHeartbeat(store, leaseMs, logger)
  const onDeadLetter: DeadLetterHook<E> =
    config.onDeadLetter ??
    // A dead letter nobody hears about is a lost event.
    ((_event, err, info) =>
      logger.error(
        { code: 'DEAD_LETTER', key: info.key, id: info.id, reason: info.reason, err },
        `[hookguard] event ${info.id} (${info.type}) dead-lettered after ${info.attempts} attempt(s): ${info.reason}`,
      ))
  // Every run from its start until it ended, and who waits for there to be none (close).
  const runs = new LinkedList<ActiveRun<E>>()
  let drainWaiters: Array<() => void> = []
  let closing = false

  function start(claim: Claim<E>, background: boolean): ActiveRun<E> {
    const lease = heartbeat.hold(claim.key, claim.token)
    const run: ActiveRun<E> = {
      claim,
      lease,
      background,
      attempt: 0,
      attempting: true,
      abandoned: false,
      wake: undefined,
      prev: undefined,
      next: undefined,
      linked: false,
    }
    runs.push(run)
    return run
  }

  function settle(run: ActiveRun<E>): void {
    runs.delete(run)
    if (runs.size > 0 || drainWaiters.length === 0) return
    const waiters = drainWaiters
    drainWaiters = []
    for (const resolve of waiters) resolve()
  }

  const runOutcome = (
    claim: Claim<E>,
    attempt: number,
    result: HandlerRunOutcome['result'],
    started: number,
  ): HandlerRunOutcome => ({
    kind: 'run',
    key: claim.key,
    id: claim.id,
    type: claim.type,
    attempt,
    result,
    durationMs: performance.now() - started,
  })

  async function complete(claim: Claim<E>): Promise<void> {
    const { key, id } = claim
    try {
      if (!(await store.complete(key, claim.token, { retentionMs }))) {
        logger.warn(
          { code: 'LEASE_LOST', key, id },
          '[hookguard] completed after its lease was lost',
        )
      }
    } catch (err) {
      // The effect happened: a store hiccup here must not turn into a retry that repeats it.
      logger.error({ code: 'COMPLETE_FAILED', key, id, err }, '[hookguard] store.complete failed')
    }
  }

  async function release(claim: Claim<E>): Promise<void> {
    const { key, id } = claim
    try {
      await store.release(key, claim.token)
    } catch (err) {
      logger.error({ code: 'RELEASE_FAILED', key, id, err }, '[hookguard] store.release failed')
    }
  }

  async function deadLetter(
    claim: Claim<E>,
    error: unknown,
    attempts: number,
    reason: DeadLetterReason,
  ): Promise<void> {
    const { key, id, type } = claim
    try {
      await onDeadLetter(claim.event, error, { id, type, key, attempts, reason })
    } catch (err) {
      logger.error(
        { code: 'DEAD_LETTER_HOOK_FAILED', key, id, err },
        '[hookguard] onDeadLetter threw',
      )
    }
    await release(claim)
  }

  /** Up to `maxAttempts` runs under one held lease, with backoff in between. */
  async function attempts(run: ActiveRun<E>, maxAttempts: number): Promise<Ended> {
    const { claim, lease, background } = run
    try {
      for (;;) {
        const attempt = ++run.attempt
        const started = report ? performance.now() : 0
        let failed = false
        let error: unknown
        try {
          const result = claim.handler(
            claim.event,
            new RunContext(claim.id, claim.type, attempt, lease),
          )
          if (isThenable(result)) await result
        } catch (thrown) {
          failed = true
          error = thrown
        }
        if (run.abandoned) return ABANDONED
        if (!failed) {
          report?.(runOutcome(claim, attempt, 'ok', started))
          heartbeat.release(lease)
          await complete(claim)
          return COMPLETED
        }
        const last = attempt >= maxAttempts || lease.aborted || closing
        report?.(runOutcome(claim, attempt, last && background ? 'dead_letter' : 'error', started))
        logger.warn(
          { code: 'HANDLER_FAILED', key: claim.key, id: claim.id, attempt, err: error },
          `[hookguard] handler failed${last ? '' : '; retrying'}`,
        )
        if (!last) {
          await backoff(run as ActiveRun<unknown>, backoffDelay(policy, attempt), lease.signal)
        }
        if (lease.aborted)
          return { status: 'failed', error, attempts: attempt, reason: 'lease_lost' }
        if (closing) return { status: 'failed', error, attempts: attempt, reason: 'shutdown' }
        if (last) return { status: 'failed', error, attempts: attempt, reason: 'failed' }
      }
    } finally {
      heartbeat.release(lease)
      run.attempting = false
    }
  }

  /** Gives up on a run the close timeout caught: its handler's signal aborts, it never completes. */
  async function abandon(run: ActiveRun<E>): Promise<void> {
    run.abandoned = true
    run.attempting = false
    heartbeat.release(run.lease)
    run.lease.abort(new Error('The receiver closed before the handler finished'))
    if (!run.background) return release(run.claim)
    await deadLetter(run.claim, run.lease.signal.reason, run.attempt, 'shutdown')
  }

  return {
    release,

    async runOnce(claim) {
      const run = start(claim, false)
      try {
        const ended = await attempts(run, 1)
        if (ended.status === 'completed') return COMPLETED
        if (ended.status === 'failed') {
          await release(claim)
          return { status: 'failed', error: ended.error }
        }
        return {
          status: 'failed',
          error: new Error('The receiver closed before the handler finished'),
        }
      } finally {
        settle(run)
      }
    },

    async runInBackground(claim, done) {
      const run = start(claim, true)
      try {
        const ended = await attempts(run, policy.attempts)
        if (ended.status === 'failed') {
          await deadLetter(claim, ended.error, ended.attempts, ended.reason)
        }
      } catch (err) {
        logger.error(
          { code: 'RUN_FAILED', key: claim.key, id: claim.id, err },
          '[hookguard] run failed',
        )
      } finally {
        settle(run)
        done?.()
      }
    },

    async close(timeoutMs) {
      closing = true
      for (const run of runs) run.wake?.()
      if (runs.size > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined
        await new Promise<void>((resolve) => {
          drainWaiters.push(resolve)
          timer = setTimeout(resolve, timeoutMs)
        })
        clearTimeout(timer)
      }
      const stuck = [...runs].filter((run) => run.attempting && !run.abandoned)
      await Promise.all(stuck.map(abandon))
    },
  }
}
