import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHeartbeat } from './lease.js'
import type { LogFields, Logger } from './logger.js'
import type { IdempotencyStore } from './store.js'

const LEASE_MS = 30_000
const BEAT_MS = 10_000

/** A store whose `extend` answers `owned` (or throws it) and records every call. */
function extendingStore(owned: () => boolean | Promise<boolean> = () => true) {
  const extended: string[] = []
  const store: IdempotencyStore = {
    begin: () => Promise.reject(new Error('not used')),
    complete: () => Promise.reject(new Error('not used')),
    release: () => Promise.reject(new Error('not used')),
    extend: (key) => {
      extended.push(key)
      return owned() as Promise<boolean>
    },
  }
  return { store, extended }
}

function memoryLogger() {
  const warnings: LogFields[] = []
  const logger: Logger = {
    warn: (fields) => void warnings.push(fields),
    error: () => {},
  }
  return { logger, warnings }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the heartbeat', () => {
  it('extends a held claim every third of the lease until it is released', async () => {
    const { store, extended } = extendingStore()
    const heartbeat = createHeartbeat(store, LEASE_MS, memoryLogger().logger)
    const lease = heartbeat.hold('k', 'token')
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    expect(extended).toEqual(['k'])
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    expect(extended).toEqual(['k', 'k'])
    heartbeat.release(lease)
    await vi.advanceTimersByTimeAsync(3 * BEAT_MS)
    expect(extended).toHaveLength(2)
    expect(lease.aborted).toBe(false)
  })

  it('never extends a claim released before the next beat, and stops once nothing is held', async () => {
    const { store, extended } = extendingStore()
    const heartbeat = createHeartbeat(store, LEASE_MS, memoryLogger().logger)
    for (let i = 0; i < 100; i++) heartbeat.release(heartbeat.hold(`k${i}`, 'token'))
    // One timer for all of them, not one per claim.
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    expect(extended).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('holds many running claims with one timer', async () => {
    const { store, extended } = extendingStore()
    const heartbeat = createHeartbeat(store, LEASE_MS, memoryLogger().logger)
    for (let i = 0; i < 50; i++) heartbeat.hold(`k${i}`, 'token')
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    expect(extended).toHaveLength(50)
  })

  it('leaves a claim taken just before a beat for the next one: never more than half a lease unextended', async () => {
    let now = 0
    const { store, extended } = extendingStore()
    const heartbeat = createHeartbeat(store, LEASE_MS, memoryLogger().logger, () => now)
    heartbeat.hold('early', 'token')
    now = BEAT_MS - 1000
    await vi.advanceTimersByTimeAsync(BEAT_MS - 1000)
    heartbeat.hold('late', 'token')
    now = BEAT_MS
    await vi.advanceTimersByTimeAsync(1000)
    // 'late' was claimed 1 s ago: the next beat extends it, 11 s after its claim.
    expect(extended).toEqual(['early'])
    now = 2 * BEAT_MS
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    expect(extended).toEqual(['early', 'early', 'late'])
  })

  it('aborts the signal with the reason when an extension is refused', async () => {
    const { store } = extendingStore(() => Promise.resolve(false))
    const heartbeat = createHeartbeat(store, LEASE_MS, memoryLogger().logger)
    const lease = heartbeat.hold('k', 'token')
    expect(lease.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    expect(lease.aborted).toBe(true)
    expect(lease.signal.aborted).toBe(true)
    expect((lease.signal.reason as Error).message).toBe('Lost the lease on k')
  })

  it('gives a signal read before the loss the abort too', async () => {
    const { store } = extendingStore(() => Promise.resolve(false))
    const heartbeat = createHeartbeat(store, LEASE_MS, memoryLogger().logger)
    const lease = heartbeat.hold('k', 'token')
    const signal = lease.signal
    const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve))
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    await aborted
    expect(signal.aborted).toBe(true)
    expect(lease.signal).toBe(signal)
  })

  it('does not abort a claim released while its extension was under way', async () => {
    let refuse: (owned: boolean) => void = () => {}
    const { store, extended } = extendingStore(
      () => new Promise<boolean>((resolve) => (refuse = resolve)),
    )
    const heartbeat = createHeartbeat(store, LEASE_MS, memoryLogger().logger)
    const lease = heartbeat.hold('k', 'token')
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    expect(extended).toEqual(['k'])
    heartbeat.release(lease) // completed meanwhile: the store then refuses the old token
    refuse(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(lease.aborted).toBe(false)
  })

  it('logs a failed extension, keeps the claim and retries it on the next beat', async () => {
    let calls = 0
    const { store, extended } = extendingStore(() => {
      calls++
      if (calls === 1) throw new Error('extend threw')
      if (calls === 2) return Promise.reject(new Error('extend rejected'))
      return Promise.resolve(true)
    })
    const { logger, warnings } = memoryLogger()
    const heartbeat = createHeartbeat(store, LEASE_MS, logger)
    const first = heartbeat.hold('a', 'token')
    const second = heartbeat.hold('b', 'token')
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    // A store that throws for one claim does not stop the beat for the next.
    expect(extended).toEqual(['a', 'b'])
    expect(warnings).toEqual([
      { code: 'EXTEND_FAILED', key: 'a', err: new Error('extend threw') },
      { code: 'EXTEND_FAILED', key: 'b', err: new Error('extend rejected') },
    ])
    await vi.advanceTimersByTimeAsync(BEAT_MS)
    expect(extended).toEqual(['a', 'b', 'a', 'b'])
    expect(first.aborted || second.aborted).toBe(false)
  })

  it('does not keep the process alive on its own', () => {
    vi.useRealTimers()
    const timers = () =>
      (process as unknown as { getActiveResourcesInfo(): string[] })
        .getActiveResourcesInfo()
        .filter((name) => name === 'Timeout').length
    const before = timers()
    const heartbeat = createHeartbeat(extendingStore().store, LEASE_MS, memoryLogger().logger)
    const lease = heartbeat.hold('k', 'token')
    // An unref'd timer is not an active resource (other tests' timers may be: count the change).
    expect(timers()).toBe(before)
    heartbeat.release(lease)
  })
})
