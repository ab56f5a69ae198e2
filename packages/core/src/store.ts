/**
 * What `begin` found for a key:
 * - `acquired`: the caller owns the key until its lease runs out; pass `token` to every later call.
 * - `in_progress`: someone else holds a live lease; `retryAfterMs` is what is left of it.
 * - `completed`: the event's effect already happened (a duplicate).
 * - `mismatch`: the key is known with a different body fingerprint (same id, different payload).
 * - `full`: a bounded store holds only claims in progress and cannot take a new key before one
 *   ends (at least `retryAfterMs`); nothing was claimed.
 */
export type BeginResult =
  | { status: 'acquired'; token: string }
  | { status: 'in_progress'; retryAfterMs: number }
  | { status: 'completed' }
  | { status: 'mismatch' }
  | { status: 'full'; retryAfterMs: number }

/**
 * The idempotency store contract. A key moves `absent → processing (token, lease) →
 * completed (retention)`, or back to `absent` on `release`. Every write after `begin`
 * names the owner's token and does nothing when the token no longer owns the key, so a
 * claim whose lease ran out can never overwrite the next owner's work.
 *
 * Implementations must make each call atomic: two concurrent `begin`s for one key
 * never both return `acquired` while the first lease is live.
 *
 * @example
 * const claim = await store.begin('evt_1', { fingerprint, leaseMs: 30_000 })
 * if (claim.status === 'acquired') {
 *   await doTheWork()
 *   await store.complete('evt_1', claim.token, { retentionMs: 72 * 3600_000 })
 * }
 */
export interface IdempotencyStore {
  /** Claim `key` for processing, or report why it cannot be claimed. */
  begin(key: string, options: { fingerprint: string; leaseMs: number }): Promise<BeginResult>
  /** Push the lease of an owned key out to `leaseMs` from now; `false` when the lease was lost. */
  extend(key: string, token: string, leaseMs: number): Promise<boolean>
  /** Mark an owned key completed and keep it `retentionMs`; `false` when the lease was lost. */
  complete(key: string, token: string, options: { retentionMs: number }): Promise<boolean>
  /** Drop an owned key so a later delivery runs again; `false` when the lease was lost. */
  release(key: string, token: string): Promise<boolean>
}

/** Defaults from the original design: senders such as Stripe and GitHub redeliver for 3 days. */
export const DEFAULT_LEASE_MS = 30_000
export const DEFAULT_RETENTION_MS = 72 * 60 * 60 * 1000
