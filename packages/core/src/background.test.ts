import { afterEach, describe, expect, it, vi } from 'vitest'
import { deferBackground, runAfterResponse } from './background.js'

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('runAfterResponse', () => {
  it('starts the work after the current code and its microtasks, before the next timer turn', async () => {
    const started: string[] = []
    runAfterResponse(async () => void started.push('work'))
    started.push('sync')
    for (let i = 0; i < 10; i++) await Promise.resolve()
    expect(started).toEqual(['sync'])
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(started).toEqual(['sync', 'work'])
  })

  it('needs no timer, and starts the work in the order it was handed over', async () => {
    vi.useFakeTimers()
    const started: number[] = []
    for (let i = 0; i < 100; i++) runAfterResponse(async () => void started.push(i))
    expect(vi.getTimerCount()).toBe(0)
    await new Promise((resolve) => process.nextTick(resolve))
    expect(started).toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  it('reports work that throws or rejects, and still starts the rest', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const started: string[] = []
    runAfterResponse(() => {
      throw new Error('threw')
    })
    runAfterResponse(() => Promise.reject(new Error('rejected')))
    runAfterResponse(async () => void started.push('third'))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(started).toEqual(['third'])
    expect(errors.mock.calls.map((call) => [call[0], (call[1] as Error).message])).toEqual([
      ['[hookguard] BACKGROUND_REJECTED: a background task rejected', 'threw'],
      ['[hookguard] BACKGROUND_REJECTED: a background task rejected', 'rejected'],
    ])
  })

  it("starts the work a timer turn later under the platform's waitUntil when one is given", async () => {
    const kept: Array<Promise<void>> = []
    const started: string[] = []
    runAfterResponse(
      async () => void started.push('work'),
      (task) => kept.push(task),
    )
    expect(kept).toHaveLength(1)
    await new Promise((resolve) => process.nextTick(resolve))
    expect(started).toEqual([])
    await kept[0]
    expect(started).toEqual(['work'])
  })
})

describe('deferBackground', () => {
  it('resolves once the work settled, a timer turn later, and never rejects', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const started: string[] = []
    const task = deferBackground(async () => void started.push('work'))
    await Promise.resolve()
    expect(started).toEqual([])
    await task
    expect(started).toEqual(['work'])
    await expect(deferBackground(() => Promise.reject(new Error('no')))).resolves.toBeUndefined()
    expect(errors).toHaveBeenCalledTimes(1)
  })
})
