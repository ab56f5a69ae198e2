import { crypto } from '#crypto'
import { hexEncode } from './encoding.js'
import { KeyIndex } from './key-index.js'
import { PRINT_BYTES, samePrint, writePrint } from './memory-prints.js'
import { SlotQueue } from './slot-queue.js'
import type { BeginResult, IdempotencyStore } from './store.js'

/** The in-memory store's default bound: about 16 MiB at ~158 bytes per key (64 of heap). */
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
  /** Key -> slot. Everything else about a key lives in the slot arrays below. */
  readonly #index = new KeyIndex((slot) => this.#keys[slot])
  readonly #maxEntries: number
  readonly #now: () => number
  readonly #epoch: number
  // Tokens only need to be unique per store: a random prefix and a counter are enough.
  readonly #tokenPrefix = `${hexEncode(crypto.randomBytes(8))}-`
  #claimCount = 0
  /** Keys in the processing state (live or with a lapsed lease nobody touched yet). */
  #processing = 0
  // One slot per key, as a struct of arrays: a remembered event is its key string and numbers in
  // typed arrays, so there is no object per event for the collector to copy out of
  // the young generation and trace ever after (an object per key and its fingerprint string cost
  // about 5 us of scavenging per request at 100 000 keys).
  #capacity = 0
  /** Slots handed out so far; slots below it are in use or in `#free`. */
  #used = 0
  readonly #free: number[] = []
  readonly #keys: Array<string | undefined> = []
  /** Expiry, relative to the store's creation. */
  #expires = new Float64Array(0)
  /** The owner's token while processing; `undefined` once completed. */
  readonly #tokens: Array<string | undefined> = []
  /** The position of the slot's latest item in `#queue`: its older items are stale. */
  #queuedAt = new Float64Array(0)
  /** The key's hash in `#index`: evicting a slot never reads its key string again (a cache miss). */
  #hashes = new Int32Array(0)
  /** Fingerprints as their 32 bytes, for the 64-hex-digit ones the processor makes. */
  #prints = new Uint8Array(0)
  /** Any other fingerprint (a custom caller's), as given. */
  readonly #otherPrints = new Map<number, string>()
  // Slots in the order they were last written (begin or complete), beside the index: what expiry
  // and eviction take from the oldest end.
  readonly #queue = new SlotQueue()

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
    return this.#index.size
  }

  #clock(): number {
    return this.#now() - this.#epoch
  }

  /** A free slot, growing the arrays when none is left (never past `maxEntries`). */
  #allocate(): number {
    const reused = this.#free.pop()
    if (reused !== undefined) return reused
    if (this.#used === this.#capacity) this.#grow()
    return this.#used++
  }

  #grow(): void {
    const capacity = Math.min(Math.max(1024, this.#capacity * 2), this.#maxEntries)
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(old: T, next: T): T => {
      next.set(old)
      return next
    }
    this.#expires = widen(this.#expires, new Float64Array(capacity))
    this.#queuedAt = widen(this.#queuedAt, new Float64Array(capacity))
    this.#hashes = widen(this.#hashes, new Int32Array(capacity))
    this.#prints = widen(this.#prints, new Uint8Array(capacity * PRINT_BYTES))
    this.#capacity = capacity
  }

  #delete(slot: number): void {
    this.#index.remove(this.#hashes[slot] as number, slot)
    this.#keys[slot] = undefined
    if (this.#tokens[slot] !== undefined) {
      this.#processing--
      this.#tokens[slot] = undefined
    }
    this.#queuedAt[slot] = -1
    if (this.#otherPrints.size > 0) this.#otherPrints.delete(slot)
    this.#free.push(slot)
  }

  /** The key's slot when it holds a live (unexpired) entry, else -1. */
  #live(key: string, hash: number, now: number): number {
    const slot = this.#index.find(key, hash)
    if (slot === -1) return -1
    if ((this.#expires[slot] as number) <= now) {
      this.#delete(slot)
      return -1
    }
    return slot
  }

  #enqueue(slot: number): void {
    this.#queuedAt[slot] = this.#queue.push(slot)
  }

  /** The slot at the front of the queue when that item is its latest, else -1. */
  #current(): number {
    const slot = this.#queue.front()
    return this.#keys[slot] !== undefined && this.#queuedAt[slot] === this.#queue.position()
      ? slot
      : -1
  }

  /** Drops expired keys at the front of the queue, a few per call. */
  #sweep(now: number): void {
    let budget = SWEEP_BUDGET
    while (!this.#queue.empty && budget-- > 0) {
      const slot = this.#current()
      if (slot !== -1) {
        if ((this.#expires[slot] as number) > now) break
        this.#delete(slot)
      }
      this.#queue.take()
    }
  }

  /**
   * Makes room for one more key: evicts the oldest completed event, or an expired claim. A live
   * claim met on the way moves to the back of the queue. `false` when no room was found.
   */
  #makeRoom(now: number): boolean {
    let moved = 0
    while (!this.#queue.empty) {
      const slot = this.#current()
      this.#queue.take()
      if (slot === -1) continue
      if (this.#tokens[slot] === undefined || (this.#expires[slot] as number) <= now) {
        this.#delete(slot)
        return true
      }
      this.#enqueue(slot)
      // Only live claims left: nothing can be evicted, and scanning them all would cost O(n)
      // per refused delivery. A bounded look still finds lapsed ones over a few calls.
      if (this.#processing >= this.#index.size && ++moved >= FULL_SCAN_BUDGET) return false
    }
    return false
  }

  /** Milliseconds until the soonest live claim at the front of the queue may end, at least 1 s. */
  #retryAfter(now: number): number {
    const slot = this.#queue.empty ? -1 : this.#current()
    return Math.max(1000, slot === -1 ? 1000 : (this.#expires[slot] as number) - now)
  }

  /** The slot `token` owns under `key`, else -1. */
  #owned(key: string, token: string, now: number): number {
    const slot = this.#live(key, this.#index.hash(key), now)
    if (slot === -1) return -1
    // The exact string handed out: the same object in practice, so usually one pointer compare.
    const held = this.#tokens[slot]
    return held !== undefined && held === token ? slot : -1
  }

  #samePrint(slot: number, fingerprint: string): boolean {
    const other = this.#otherPrints.size > 0 ? this.#otherPrints.get(slot) : undefined
    if (other !== undefined) return other === fingerprint
    return samePrint(this.#prints, slot * PRINT_BYTES, fingerprint)
  }

  async begin(
    key: string,
    options: { fingerprint: string; leaseMs: number },
  ): Promise<BeginResult> {
    const now = this.#clock()
    const hash = this.#index.hash(key)
    const found = this.#live(key, hash, now)
    if (found !== -1) {
      if (!this.#samePrint(found, options.fingerprint)) return { status: 'mismatch' }
      if (this.#tokens[found] === undefined) return { status: 'completed' }
      return { status: 'in_progress', retryAfterMs: (this.#expires[found] as number) - now }
    }
    this.#sweep(now)
    if (this.#index.size >= this.#maxEntries && !this.#makeRoom(now)) {
      return { status: 'full', retryAfterMs: this.#retryAfter(now) }
    }
    const slot = this.#allocate()
    const token = `${this.#tokenPrefix}${++this.#claimCount}`
    this.#keys[slot] = key
    this.#hashes[slot] = hash
    this.#expires[slot] = now + options.leaseMs
    this.#tokens[slot] = token
    if (!writePrint(this.#prints, slot * PRINT_BYTES, options.fingerprint)) {
      this.#otherPrints.set(slot, options.fingerprint)
    }
    this.#index.insert(hash, slot)
    this.#processing++
    this.#enqueue(slot)
    return { status: 'acquired', token }
  }

  async extend(key: string, token: string, leaseMs: number): Promise<boolean> {
    const now = this.#clock()
    const slot = this.#owned(key, token, now)
    if (slot !== -1) this.#expires[slot] = now + leaseMs
    return slot !== -1
  }

  async complete(key: string, token: string, options: { retentionMs: number }): Promise<boolean> {
    const now = this.#clock()
    const slot = this.#owned(key, token, now)
    if (slot === -1) return false
    this.#tokens[slot] = undefined
    this.#processing--
    this.#expires[slot] = now + options.retentionMs
    // Completed events are forgotten in the order they completed.
    this.#enqueue(slot)
    return true
  }

  async release(key: string, token: string): Promise<boolean> {
    const slot = this.#owned(key, token, this.#clock())
    if (slot !== -1) this.#delete(slot)
    return slot !== -1
  }
}
