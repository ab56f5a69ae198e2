import { crypto } from '#crypto'
import { hexEncode } from './encoding.js'
import type { BeginResult, IdempotencyStore } from './store.js'

/** Options of the in-memory store. */
export interface MemoryIdempotencyStoreOptions {
  /** Most keys kept; the oldest are evicted past it. Default 100 000. */
  maxEntries?: number
  /** Clock in milliseconds, for tests; default `Date.now`. */
  now?: () => number
}

interface Entry {
  state: 'processing' | 'completed'
  token: string
  fingerprint: string
  expiresAt: number
}

/**
 * An idempotency store in one process's memory: bounded, lazily expired, and with no timer
 * that keeps the process alive. Use `RedisIdempotencyStore` once more than one process
 * receives webhooks.
 *
 * @example
 * const store = new MemoryIdempotencyStore({ maxEntries: 50_000 })
 * app.post('/webhooks', webhook({ secret, store, on: { 'order.created': fulfil } }))
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  readonly #now: () => number
  // Tokens only need to be unique per store: a random prefix and a counter are enough.
  readonly #tokenPrefix = `${hexEncode(crypto.randomBytes(8))}-`
  #claims = 0

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const { maxEntries = 100_000, now = Date.now } = options
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('maxEntries must be a positive whole number')
    }
    if (typeof now !== 'function')
      throw new TypeError('now must be a function returning milliseconds')
    this.#maxEntries = maxEntries
    this.#now = now
  }

  /** Live keys (expired ones may still count until they are touched or swept). */
  get size(): number {
    return this.#entries.size
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry && entry.expiresAt <= now) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  // Writes are queued oldest-first beside the map (iterating a Map from its start gets slow
  // once many keys were deleted). Queue items whose entry was since replaced are skipped.
  readonly #queue: Array<{ key: string; entry: Entry }> = []
  #head = 0

  #set(key: string, entry: Entry, now: number): void {
    this.#entries.set(key, entry)
    this.#queue.push({ key, entry })
    let budget = 8
    while (this.#head < this.#queue.length) {
      const oldest = this.#queue[this.#head] as { key: string; entry: Entry }
      const current = this.#entries.get(oldest.key) === oldest.entry
      const over = this.#entries.size > this.#maxEntries
      if (current && !over && (budget-- === 0 || oldest.entry.expiresAt > now)) break
      if (current) this.#entries.delete(oldest.key)
      this.#head++
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head)
      this.#head = 0
    }
  }

  #owned(key: string, token: string, now: number): Entry | undefined {
    const entry = this.#live(key, now)
    return entry?.state === 'processing' && entry.token === token ? entry : undefined
  }

  async begin(
    key: string,
    options: { fingerprint: string; leaseMs: number },
  ): Promise<BeginResult> {
    const now = this.#now()
    const entry = this.#live(key, now)
    if (entry) {
      if (entry.fingerprint !== options.fingerprint) return { status: 'mismatch' }
      if (entry.state === 'completed') return { status: 'completed' }
      return { status: 'in_progress', retryAfterMs: entry.expiresAt - now }
    }
    const token = `${this.#tokenPrefix}${++this.#claims}`
    this.#set(
      key,
      {
        state: 'processing',
        token,
        fingerprint: options.fingerprint,
        expiresAt: now + options.leaseMs,
      },
      now,
    )
    return { status: 'acquired', token }
  }

  async extend(key: string, token: string, leaseMs: number): Promise<boolean> {
    const now = this.#now()
    const entry = this.#owned(key, token, now)
    if (entry) entry.expiresAt = now + leaseMs
    return entry !== undefined
  }

  async complete(key: string, token: string, options: { retentionMs: number }): Promise<boolean> {
    const now = this.#now()
    const entry = this.#owned(key, token, now)
    if (!entry) return false
    this.#set(key, { ...entry, state: 'completed', expiresAt: now + options.retentionMs }, now)
    return true
  }

  async release(key: string, token: string): Promise<boolean> {
    const owned = this.#owned(key, token, this.#now()) !== undefined
    if (owned) this.#entries.delete(key)
    return owned
  }
}
