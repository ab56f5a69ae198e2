import { crypto } from '#crypto'
import { hexEncode } from './encoding.js'
import type { BeginResult, IdempotencyStore } from './store.js'

/** The in-memory store's default bound: about 30 MiB of heap at ~300 bytes per key. */
export const DEFAULT_MAX_ENTRIES = 100_000

/** Options of the in-memory store. */
export interface MemoryIdempotencyStoreOptions {
  /**
   * Most keys kept; default 100 000. Past it, completed events are forgotten oldest first; a
   * claim still in progress is never evicted, and when every key is one, `begin` answers `full`.
   */
  maxEntries?: number
  /** Clock in milliseconds, for tests; default `Date.now`. */
  now?: () => number
}

/**
 * One key. `claim` is the owner's token number while processing and 0 once completed; expiry is
 * kept relative to the store's creation so it stays a small integer (no boxed double per key).
 * `slot` is the entry's latest position in the eviction queue: older queue slots are stale.
 */
class Entry {
  constructor(
    readonly key: string,
    readonly fingerprint: string,
    public expires: number,
    public claim: number,
    public slot: number,
  ) {}
}

/** How many queue slots one `begin` looks at for expired or evictable keys. */
const SWEEP_BUDGET = 8
/** How many live claims one `begin` moves to the back while looking for an evictable key. */
const FULL_SCAN_BUDGET = 64

/**
 * An idempotency store in one process's memory: bounded, lazily expired, and with no timer
 * that keeps the process alive. Use `RedisIdempotencyStore` once more than one process
 * receives webhooks.
 *
 * Past `maxEntries` it forgets completed events oldest first and never a claim in progress; when
 * only claims in progress are left, `begin` answers `full` (the receiver answers `503` with
 * `Retry-After`) until one ends.
 *
 * @example
 * const store = new MemoryIdempotencyStore({ maxEntries: 50_000 })
 * app.post('/webhooks', webhook({ secret, store, on: { 'order.created': fulfil } }))
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  readonly #now: () => number
  readonly #epoch: number
  // Tokens only need to be unique per store: a random prefix and a counter are enough.
  readonly #tokenPrefix = `${hexEncode(crypto.randomBytes(8))}-`
  #claims = 0
  /** Keys in the processing state (live or with a lapsed lease nobody touched yet). */
  #processing = 0
  // Entries in the order they were last written (begin or complete), beside the map: iterating a
  // Map from its start gets slow once many keys were deleted. A slot is current when the entry
  // at it still names it (`entry.slot`) and the map still holds the entry.
  #queue: Array<Entry | undefined> = []
  #head = 0

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const { maxEntries = DEFAULT_MAX_ENTRIES, now = Date.now } = options
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('maxEntries must be a positive whole number')
    }
    if (typeof now !== 'function')
      throw new TypeError('now must be a function returning milliseconds')
    this.#maxEntries = maxEntries
    this.#now = now
    this.#epoch = now()
  }

  /** Live keys (expired ones may still count until they are touched or swept). */
  get size(): number {
    return this.#entries.size
  }

  #clock(): number {
    return this.#now() - this.#epoch
  }

  #delete(entry: Entry): void {
    this.#entries.delete(entry.key)
    if (entry.claim !== 0) this.#processing--
    entry.slot = -1
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry && entry.expires <= now) {
      this.#delete(entry)
      return undefined
    }
    return entry
  }

  #enqueue(entry: Entry): void {
    entry.slot = this.#queue.length
    this.#queue.push(entry)
  }

  /** The entry at the head slot when it is still current there, else `undefined`. */
  #current(index: number): Entry | undefined {
    const entry = this.#queue[index]
    return entry !== undefined && entry.slot === index ? entry : undefined
  }

  #compact(): void {
    if (this.#head < 1024 || this.#head * 2 < this.#queue.length) return
    const kept = this.#queue.slice(this.#head)
    for (let i = 0; i < kept.length; i++) {
      const entry = kept[i]
      if (entry !== undefined && entry.slot === this.#head + i) entry.slot = i
      else kept[i] = undefined
    }
    this.#queue = kept
    this.#head = 0
  }

  /** Drops expired keys at the head of the queue, a few per call. */
  #sweep(now: number): void {
    let budget = SWEEP_BUDGET
    while (this.#head < this.#queue.length && budget-- > 0) {
      const entry = this.#current(this.#head)
      if (entry !== undefined) {
        if (entry.expires > now) break
        this.#delete(entry)
      }
      this.#queue[this.#head++] = undefined
    }
  }

  /**
   * Makes room for one more key: evicts the oldest completed event, or an expired claim. A live
   * claim met on the way moves to the back of the queue. `false` when no room was found.
   */
  #makeRoom(now: number): boolean {
    let moved = 0
    while (this.#head < this.#queue.length) {
      const index = this.#head
      const entry = this.#current(index)
      if (entry !== undefined) {
        if (entry.claim === 0 || entry.expires <= now) {
          this.#queue[this.#head++] = undefined
          this.#delete(entry)
          return true
        }
        // Only live claims left: nothing can be evicted, and scanning them all would cost O(n)
        // per refused delivery. A bounded look still finds lapsed ones over a few calls.
        if (this.#processing >= this.#entries.size && moved >= FULL_SCAN_BUDGET) return false
        moved++
        this.#enqueue(entry)
      }
      this.#queue[this.#head++] = undefined
    }
    return false
  }

  /** Milliseconds until the soonest live claim at the head of the queue may end, at least 1 s. */
  #retryAfter(now: number): number {
    const head = this.#current(this.#head)
    return Math.max(1000, head === undefined ? 1000 : head.expires - now)
  }

  #owned(key: string, token: string, now: number): Entry | undefined {
    const entry = this.#live(key, now)
    if (entry === undefined || entry.claim === 0) return undefined
    return token === `${this.#tokenPrefix}${entry.claim}` ? entry : undefined
  }

  async begin(
    key: string,
    options: { fingerprint: string; leaseMs: number },
  ): Promise<BeginResult> {
    const now = this.#clock()
    const entry = this.#live(key, now)
    if (entry) {
      if (entry.fingerprint !== options.fingerprint) return { status: 'mismatch' }
      if (entry.claim === 0) return { status: 'completed' }
      return { status: 'in_progress', retryAfterMs: entry.expires - now }
    }
    this.#sweep(now)
    if (this.#entries.size >= this.#maxEntries && !this.#makeRoom(now)) {
      this.#compact()
      return { status: 'full', retryAfterMs: this.#retryAfter(now) }
    }
    const claim = ++this.#claims
    const created = new Entry(key, options.fingerprint, now + options.leaseMs, claim, 0)
    this.#entries.set(key, created)
    this.#processing++
    this.#enqueue(created)
    this.#compact()
    return { status: 'acquired', token: `${this.#tokenPrefix}${claim}` }
  }

  async extend(key: string, token: string, leaseMs: number): Promise<boolean> {
    const now = this.#clock()
    const entry = this.#owned(key, token, now)
    if (entry) entry.expires = now + leaseMs
    return entry !== undefined
  }

  async complete(key: string, token: string, options: { retentionMs: number }): Promise<boolean> {
    const now = this.#clock()
    const entry = this.#owned(key, token, now)
    if (!entry) return false
    entry.claim = 0
    this.#processing--
    entry.expires = now + options.retentionMs
    // Completed events are forgotten in the order they completed.
    this.#enqueue(entry)
    this.#compact()
    return true
  }

  async release(key: string, token: string): Promise<boolean> {
    const entry = this.#owned(key, token, this.#clock())
    if (entry) this.#delete(entry)
    return entry !== undefined
  }
}
