import { type EventIdOf, fingerprint, idempotencyKey } from './key.js'
import type { Logger } from './logger.js'
import type { Handler } from './router.js'
import type { IdempotencyStore } from './store.js'
import type { VerifiedWebhook } from './verify.js'

/** A claimed event: its owner runs `handler` and must complete or release `key` with `token`. */
export interface Claim<E> {
  key: string
  id: string
  type: string
  token: string
  event: E
  handler: Handler<E>
}

/** What claiming found, as a domain status (the receiver's table turns it into an answer). */
export type ClaimResult<E> =
  | { status: 'acquired'; claim: Claim<E> }
  | { status: 'ignored' }
  | { status: 'duplicate' }
  | { status: 'in_progress'; retryAfterMs: number }
  | { status: 'mismatch' }
  | { status: 'store_unavailable'; error: unknown }
  | { status: 'store_full'; retryAfterMs: number }

export interface ClaimerConfig<E> {
  route: (type: string | undefined) => Handler<E> | undefined
  store: IdempotencyStore
  leaseMs: number
  idOf: EventIdOf<E> | undefined
  logger: Logger
}

/**
 * Routes a verified event and claims it in the store: the handler, the key, the body's
 * fingerprint and `begin`. An event no handler wants never touches the store.
 */
export function createClaimer<E>(config: ClaimerConfig<E>) {
  const { route, store, leaseMs, idOf, logger } = config
  return async function claim(
    webhook: VerifiedWebhook<E>,
    payload: string | Uint8Array,
  ): Promise<ClaimResult<E>> {
    const handler = route(webhook.type)
    if (!handler) return { status: 'ignored' }
    const hashed = fingerprint(payload)
    // Most back ends hash synchronously: no await (and no microtask turn) for those.
    const print = typeof hashed === 'string' ? hashed : await hashed
    const { key, id } = idempotencyKey(webhook, idOf, print)
    let begun: Awaited<ReturnType<IdempotencyStore['begin']>>
    try {
      begun = await store.begin(key, { fingerprint: print, leaseMs })
    } catch (err) {
      logger.warn({ code: 'STORE_UNAVAILABLE', key, id, err }, '[hookguard] store.begin failed')
      return { status: 'store_unavailable', error: err }
    }
    switch (begun.status) {
      case 'acquired': {
        const { token } = begun
        const type = webhook.type ?? ''
        return {
          status: 'acquired',
          claim: { key, id, type, token, event: webhook.event, handler },
        }
      }
      case 'completed':
        return { status: 'duplicate' }
      case 'in_progress':
        return { status: 'in_progress', retryAfterMs: begun.retryAfterMs }
      case 'mismatch':
        return { status: 'mismatch' }
      case 'full':
        logger.warn(
          { code: 'STORE_FULL', key, id, retryAfterMs: begun.retryAfterMs },
          '[hookguard] the idempotency store holds only claims in progress (maxEntries): refused a new event',
        )
        return { status: 'store_full', retryAfterMs: begun.retryAfterMs }
    }
  }
}
