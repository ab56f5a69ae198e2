import type { Logger } from './logger.js'

/** One delivery the receiver answered: what `onOutcome` gets once per request. */
export interface DeliveryOutcome {
  kind: 'delivery'
  scheme: string
  /** The routing type, when verification got that far. */
  type: string | undefined
  /** The event id, when verification got that far. */
  id: string | undefined
  /** The answer's stable code: an error code, or `RECEIVED`, `DUPLICATE`, `IGNORED`, `VERIFIED`. */
  code: string
  /** The HTTP status answered (200 for `VERIFIED`, when the route's own handler answers). */
  status: number
  /** From the verified body's arrival to the decided answer. */
  durationMs: number
}

/** One run of a handler: what `onOutcome` gets once per attempt. */
export interface HandlerRunOutcome {
  kind: 'run'
  /** The idempotency key, `${scheme}:${id}`. */
  key: string
  id: string
  type: string
  attempt: number
  /** `dead_letter`: this failure was the last; the event went to the dead-letter hook. */
  result: 'ok' | 'error' | 'dead_letter'
  durationMs: number
}

/**
 * Called once per delivery and once per handler run, for metrics and traces. Keep it fast and
 * synchronous; a throw is logged and ignored.
 *
 * @example
 * onOutcome: (o) => {
 *   if (o.kind === 'delivery') deliveries.inc({ scheme: o.scheme, code: o.code, status: o.status })
 *   else handlerSeconds.observe({ type: o.type, result: o.result }, o.durationMs / 1000)
 * }
 */
export type OnOutcome = (outcome: DeliveryOutcome | HandlerRunOutcome) => void

/** A reporter that never throws; `undefined` when no hook is set, so callers skip the work. */
export function outcomeReporter(
  hook: OnOutcome | undefined,
  logger: Logger,
): OnOutcome | undefined {
  if (hook === undefined) return undefined
  if (typeof hook !== 'function') throw new TypeError('onOutcome must be a function')
  return (outcome) => {
    try {
      hook(outcome)
    } catch (err) {
      logger.error({ code: 'ON_OUTCOME_FAILED', err }, '[hookguard] onOutcome threw')
    }
  }
}
