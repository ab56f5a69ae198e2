import { describe, expect, it } from 'vitest'
import { SlotQueue } from './slot-queue.js'

describe('SlotQueue', () => {
  it('gives items positions that stay theirs while the array is compacted and grown', () => {
    const queue = new SlotQueue()
    const positions = new Map<number, number>()
    let next = 0
    let taken = 0
    // Push 3, take 2, many times: the array compacts and grows along the way.
    for (let round = 0; round < 5000; round++) {
      for (let i = 0; i < 3; i++) positions.set(next, queue.push(next++ % 7919))
      for (let i = 0; i < 2; i++) {
        expect(queue.front()).toBe(taken % 7919)
        expect(queue.position()).toBe(positions.get(taken))
        queue.take()
        taken++
      }
    }
    while (!queue.empty) {
      expect(queue.position()).toBe(positions.get(taken))
      queue.take()
      taken++
    }
    expect(taken).toBe(next)
    // Positions keep counting after it ran empty.
    expect(queue.push(1)).toBe(next)
  })

  it('numbers positions from 0 in push order', () => {
    const queue = new SlotQueue()
    expect(queue.empty).toBe(true)
    expect([queue.push(5), queue.push(5), queue.push(9)]).toEqual([0, 1, 2])
    expect(queue.front()).toBe(5)
  })
})
