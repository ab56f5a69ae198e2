import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyIndex } from './key-index.js'

/** A KeyIndex over its own slot array, checked against a Map after every step. */
function harness(hashOf?: (key: string) => number) {
  const keys: Array<string | undefined> = []
  const free: number[] = []
  const index = new KeyIndex((slot) => keys[slot])
  const model = new Map<string, number>()
  const hash = (key: string) => (hashOf ? hashOf(key) : index.hash(key))
  return {
    index,
    add(key: string) {
      if (index.find(key, hash(key)) !== -1) return
      const slot = free.pop() ?? keys.length
      keys[slot] = key
      index.insert(hash(key), slot)
      model.set(key, slot)
    },
    remove(key: string) {
      const slot = model.get(key)
      if (slot === undefined) return
      index.remove(hash(key), slot)
      keys[slot] = undefined
      free.push(slot)
      model.delete(key)
    },
    check(absent: string[] = []) {
      expect(index.size).toBe(model.size)
      for (const [key, slot] of model) expect(index.find(key, hash(key))).toBe(slot)
      for (const key of absent) if (!model.has(key)) expect(index.find(key, hash(key))).toBe(-1)
    },
  }
}

const steps = fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), {
  maxLength: 600,
})

describe('KeyIndex', () => {
  it('finds what was inserted and nothing removed, as a Map would, through growth', () => {
    fc.assert(
      fc.property(steps, (ops) => {
        const h = harness()
        const all = ops.map(([, n]) => `evt_${n}`)
        for (const [add, n] of ops) (add ? h.add : h.remove)(`evt_${n}`)
        h.check(all)
      }),
    )
  })

  it('keeps colliding keys apart, across the end of the table, when entries move back on removal', () => {
    // Keys hash to the last 3 buckets of the first table (2048) and the first one, so runs wrap to
    // the start and each removal shifts later entries back: the case a wrong shift rule loses keys in.
    fc.assert(
      fc.property(steps, (ops) => {
        const h = harness((key) => [2045, 2046, 2047, 0][Number(key.slice(4)) % 4] as number)
        const all = ops.map(([, n]) => `evt_${n}`)
        for (const [add, n] of ops) {
          ;(add ? h.add : h.remove)(`evt_${n}`)
          h.check()
        }
        h.check(all)
      }),
      { numRuns: 300 },
    )
  })

  it('holds 20 000 keys with long shared prefixes, then empties', () => {
    const h = harness()
    const key = (i: number) => `default:evt_0123456789abcdef_${String(i).padStart(12, '0')}`
    for (let i = 0; i < 20_000; i++) h.add(key(i))
    h.check([key(20_000), key(-1)])
    for (let i = 0; i < 20_000; i += 2) h.remove(key(i))
    h.check([key(0), key(2)])
    for (let i = 1; i < 20_000; i += 2) h.remove(key(i))
    expect(h.index.size).toBe(0)
    h.check([key(1)])
  })

  it('hashes with a seed of its own: two indexes disagree on some key', () => {
    const a = new KeyIndex(() => undefined)
    const b = new KeyIndex(() => undefined)
    const keys = Array.from({ length: 8 }, (_, i) => `k${i}`)
    expect(keys.some((key) => a.hash(key) !== b.hash(key))).toBe(true)
  })
})
