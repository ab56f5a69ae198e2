import { type Linked, LinkedList } from './linked-list.js'
import type { Logger } from './logger.js'
import type { IdempotencyStore } from './store.js'

/**
 * A held claim. Its `AbortSignal` is made on first read: most handlers end in microseconds and
 * never look at it, and an `AbortController` costs more than the rest of such a run.
 */
export class Lease implements Linked<Lease> {
  #controller: AbortController | undefined
  /** When the claim was last taken or extended, on the heartbeat's clock. */
  renewedAt: number
  // The heartbeat's list of held leases.
  prev: Lease | undefined
  next: Lease | undefined
  linked = false

  constructor(
    readonly key: string,
    readonly token: string,
    now: number,
  ) {
    this.renewedAt = now
  }

  /** Aborted when the lease is lost, or when the owner gives up (`abort`). */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController()
    return this.#controller.signal
  }

  /** Whether `signal` has aborted, without making one. */
  get aborted(): boolean {
    return this.#controller?.signal.aborted ?? false
  }

  abort(reason: Error): void {
    this.#controller ??= new AbortController()
    this.#controller.abort(reason)
  }
}

/** Keeps the claims of running handlers alive: one timer for all of them. */
export interface Heartbeat {
  /** Starts extending a claim until `release`; its signal aborts if an extension is refused. */
  hold(key: string, token: string): Lease
  release(lease: Lease): void
}

/**
 * One interval per runner beats every third of the lease and extends each held claim that was
 * not renewed within the last half beat, so a claim is never left more than half a lease without
 * an extension, and a handler that ends before the next beat costs no timer and no store call.
 * If an extension is refused (the lease ran out and someone else may own the key now), the
 * lease's signal aborts; a store error is logged and retried on the next beat. The interval stops
 * at the first beat with nothing held, and never keeps the process alive on its own.
 *
 * @example
 * const heartbeat = createHeartbeat(store, 30_000, logger)
 * const lease = heartbeat.hold(key, token)
 * try { await handler(event, { signal: lease.signal }) } finally { heartbeat.release(lease) }
 */
export function createHeartbeat(
  store: IdempotencyStore,
  leaseMs: number,
  logger: Logger,
  // Read at each use, so fake timers installed later still drive it.
  now: () => number = () => Date.now(),
): Heartbeat {
  const held = new LinkedList<Lease>()
  const beatMs = Math.max(1, Math.floor(leaseMs / 3))
  let timer: ReturnType<typeof setInterval> | undefined

  function failed(lease: Lease, err: unknown): void {
    logger.warn({ code: 'EXTEND_FAILED', key: lease.key, err }, '[hookguard] store.extend failed')
  }

  function extend(lease: Lease, at: number): void {
    lease.renewedAt = at
    let extended: Promise<boolean>
    try {
      // Extensions are rare (only handlers still running a beat later): the wrap costs little.
      extended = Promise.resolve(store.extend(lease.key, lease.token, leaseMs))
    } catch (err) {
      // A store that throws instead of rejecting must not stop the beat for the other leases.
      failed(lease, err)
      return
    }
    extended.then(
      (owned) => {
        // A lease released meanwhile has completed or been given up: nothing to abort.
        if (!owned && held.delete(lease)) lease.abort(new Error(`Lost the lease on ${lease.key}`))
      },
      (err: unknown) => failed(lease, err),
    )
  }

  function beat(): void {
    if (held.size === 0) {
      clearInterval(timer)
      timer = undefined
      return
    }
    const at = now()
    for (const lease of held) if (at - lease.renewedAt >= beatMs / 2) extend(lease, at)
  }

  return {
    hold(key, token) {
      const lease = new Lease(key, token, now())
      held.push(lease)
      if (timer === undefined) {
        timer = setInterval(beat, beatMs)
        // The handlers' own work keeps the process alive; the heartbeat alone must not.
        if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref()
      }
      return lease
    },
    release(lease) {
      held.delete(lease)
    },
  }
}
