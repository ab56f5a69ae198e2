import { crypto } from '#crypto'

/** Buckets the index starts with (grows by doubling; 16 KiB at this size). */
const INITIAL_BUCKETS = 2048

/**
 * The memory store's key -> slot index: open addressing with linear probing over one
 * `Int32Array` of (hash, slot + 1) pairs, at most half full, with backward-shift deletion (no
 * tombstones). A probe reads the hash beside the slot, so a key string is only compared when the
 * hashes match: at 100 000 keys a `Map<string, number>` spends about 1.5 µs per event walking
 * bucket chains and comparing key strings that share a long prefix (`default:evt_…`), where this
 * touches one cache line per lookup. The hash is seeded per index, so which keys collide differs
 * from one process to the next.
 *
 * @example
 * const keys: string[] = []
 * const index = new KeyIndex((slot) => keys[slot])
 * const hash = index.hash('k')
 * keys[0] = 'k'
 * index.insert(hash, 0)
 * index.find('k', hash) // 0
 */
export class KeyIndex {
  /** Pairs: `[2b]` the key's hash, `[2b + 1]` its slot + 1 (0: the bucket is empty). */
  #table = new Int32Array(INITIAL_BUCKETS * 2)
  #mask = INITIAL_BUCKETS - 1
  #size = 0
  readonly #seed: number
  readonly #keyAt: (slot: number) => string | undefined

  constructor(keyAt: (slot: number) => string | undefined) {
    this.#keyAt = keyAt
    this.#seed = new DataView(crypto.randomBytes(4).buffer).getUint32(0)
  }

  /** Keys held. */
  get size(): number {
    return this.#size
  }

  /** The key's hash, for `find`, `insert` and `remove`. */
  hash(key: string): number {
    // FNV-1a over the UTF-16 code units from a random basis, then murmur3's finalizer so the low
    // bits (the bucket) depend on every character.
    let h = this.#seed
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
    return h ^ (h >>> 16)
  }

  /** The slot holding `key`, else -1. */
  find(key: string, hash: number): number {
    const table = this.#table
    const mask = this.#mask
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const held = table[2 * bucket + 1] as number
      if (held === 0) return -1
      if (table[2 * bucket] === hash && this.#keyAt(held - 1) === key) return held - 1
    }
  }

  /** Adds a key that is not in the index (`find` said -1) at `slot`. */
  insert(hash: number, slot: number): void {
    if ((this.#size + 1) * 2 > this.#mask + 1) this.#grow()
    this.#place(hash, slot + 1)
    this.#size++
  }

  /** Removes the key at `slot` (its hash is `hash`); nothing when it is not there. */
  remove(hash: number, slot: number): void {
    const table = this.#table
    const mask = this.#mask
    let bucket = hash & mask
    for (; ; bucket = (bucket + 1) & mask) {
      const held = table[2 * bucket + 1] as number
      if (held === 0) return
      if (held === slot + 1) break
    }
    // Backward shift: move up every later entry of the run whose home is not after the hole.
    let hole = bucket
    for (let next = (hole + 1) & mask; ; next = (next + 1) & mask) {
      const held = table[2 * next + 1] as number
      if (held === 0) break
      const home = (table[2 * next] as number) & mask
      // `next` may fill the hole when its home is not in the cyclic range (hole, next].
      const between = hole <= next ? home > hole && home <= next : home > hole || home <= next
      if (!between) {
        table[2 * hole] = table[2 * next] as number
        table[2 * hole + 1] = held
        hole = next
      }
    }
    table[2 * hole] = 0
    table[2 * hole + 1] = 0
    this.#size--
  }

  #place(hash: number, held: number): void {
    const table = this.#table
    const mask = this.#mask
    let bucket = hash & mask
    while (table[2 * bucket + 1] !== 0) bucket = (bucket + 1) & mask
    table[2 * bucket] = hash
    table[2 * bucket + 1] = held
  }

  #grow(): void {
    const old = this.#table
    const buckets = (this.#mask + 1) * 2
    this.#table = new Int32Array(buckets * 2)
    this.#mask = buckets - 1
    for (let i = 0; i < old.length; i += 2) {
      const held = old[i + 1] as number
      if (held !== 0) this.#place(old[i] as number, held)
    }
  }
}
