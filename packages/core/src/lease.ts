import type { Logger } from './logger.js'
import type { IdempotencyStore } from './store.js'

/** A held claim: a heartbeat extends it every third of the lease until `stop`. */
export interface Lease {
  /** Aborted when the lease is lost, or when the owner gives up (`abort`). */
  readonly signal: AbortSignal
  abort(reason: Error): void
  stop(): void
}

/**
 * Keeps a claim alive while its owner works. If an extension is refused (the lease ran out and
 * someone else may own the key now) the signal aborts; a store error is logged and retried on the
 * next beat.
 */
export function holdLease(
  store: IdempotencyStore,
  key: string,
  token: string,
  leaseMs: number,
  logger: Logger,
): Lease {
  const controller = new AbortController()
  const timer = setInterval(
    () => {
      store.extend(key, token, leaseMs).then(
        (owned) => {
          if (!owned) {
            clearInterval(timer)
            controller.abort(new Error(`Lost the lease on ${key}`))
          }
        },
        (err: unknown) => {
          logger.warn({ code: 'EXTEND_FAILED', key, err }, '[hookguard] store.extend failed')
        },
      )
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  )
  // The handler's own work keeps the process alive; the heartbeat alone must not.
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref()
  return {
    signal: controller.signal,
    abort(reason) {
      clearInterval(timer)
      controller.abort(reason)
    },
    stop: () => clearInterval(timer),
  }
}
