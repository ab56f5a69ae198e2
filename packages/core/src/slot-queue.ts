const INITIAL_ITEMS = 1024

/**
 * Slot numbers in the order they were pushed, for the memory store's eviction and expiry from the
 * oldest. Every push gets a position that never changes (compacting the array shifts indices, not
 * positions), so the store can tell a slot's latest item from the stale ones it left behind.
 * Typed storage: nothing in it for the garbage collector to trace.
 *
 * @example
 * const queue = new SlotQueue()
 * const at = queue.push(7) // remember `at`; queue.position() === at while 7 is at the front
 */
export class SlotQueue {
  #items = new Int32Array(INITIAL_ITEMS)
  #head = 0
  #tail = 0
  /** The position of `#items[0]`. */
  #offset = 0

  /** Whether every pushed item was taken. */
  get empty(): boolean {
    return this.#head === this.#tail
  }

  /** Adds `slot` at the back and returns its position. */
  push(slot: number): number {
    if (this.#tail === this.#items.length) this.#makeRoom()
    this.#items[this.#tail] = slot
    return this.#offset + this.#tail++
  }

  /** The slot at the front (only when not `empty`). */
  front(): number {
    return this.#items[this.#head] as number
  }

  /** The position of the front item. */
  position(): number {
    return this.#offset + this.#head
  }

  /** Takes the front item. */
  take(): void {
    this.#head++
    if (this.#head === this.#tail) {
      this.#offset += this.#head
      this.#head = 0
      this.#tail = 0
    }
  }

  #makeRoom(): void {
    const items = this.#items
    const kept = this.#tail - this.#head
    // Move the untaken part to the front when that frees at least half; else double.
    if (kept * 2 <= items.length) items.copyWithin(0, this.#head, this.#tail)
    else {
      this.#items = new Int32Array(items.length * 2)
      this.#items.set(items.subarray(this.#head, this.#tail))
    }
    this.#offset += this.#head
    this.#head = 0
    this.#tail = kept
  }
}
