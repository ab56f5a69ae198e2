import { describe, expect, it } from 'vitest'
import { MemoryIdempotencyStore } from './memory-store.js'

const fp = 'fingerprint'

function clocked(options: { maxEntries?: number } = {}) {
  let now = 1_000_000
  const store = new MemoryIdempotencyStore({ ...options, now: () => now })
  return { store, advance: (ms: number) => (now += ms) }
}

describe('MemoryIdempotencyStore', () => {
  it('moves absent -> processing -> completed and reports each state', async () => {
    const { store, advance } = clocked()
    const first = await store.begin('k', { fingerprint: fp, leaseMs: 1000 })
    expect(first.status).toBe('acquired')
    advance(400)
    expect(await store.begin('k', { fingerprint: fp, leaseMs: 1000 })).toEqual({
      status: 'in_progress',
      retryAfterMs: 600,
    })
    expect(await store.begin('k', { fingerprint: 'other', leaseMs: 1000 })).toEqual({
      status: 'mismatch',
    })
    if (first.status !== 'acquired') throw new Error('unreachable')
    expect(await store.complete('k', first.token, { retentionMs: 5000 })).toBe(true)
    expect(await store.begin('k', { fingerprint: fp, leaseMs: 1000 })).toEqual({
      status: 'completed',
    })
    expect(await store.begin('k', { fingerprint: 'other', leaseMs: 1000 })).toEqual({
      status: 'mismatch',
    })
    advance(5001)
    expect((await store.begin('k', { fingerprint: fp, leaseMs: 1000 })).status).toBe('acquired')
  })

  it('lets the next delivery claim a key whose owner vanished, and refuses the old owner', async () => {
    const { store, advance } = clocked()
    const old = await store.begin('k', { fingerprint: fp, leaseMs: 1000 })
    advance(1000)
    const next = await store.begin('k', { fingerprint: fp, leaseMs: 1000 })
    if (old.status !== 'acquired' || next.status !== 'acquired')
      throw new Error('expected two claims')
    expect(await store.complete('k', old.token, { retentionMs: 5000 })).toBe(false)
    expect(await store.extend('k', old.token, 1000)).toBe(false)
    expect(await store.release('k', old.token)).toBe(false)
    expect(await store.begin('k', { fingerprint: fp, leaseMs: 1000 })).toMatchObject({
      status: 'in_progress',
    })
    expect(await store.complete('k', next.token, { retentionMs: 5000 })).toBe(true)
  })

  it('extends a lease and releases a key', async () => {
    const { store, advance } = clocked()
    const claim = await store.begin('k', { fingerprint: fp, leaseMs: 1000 })
    if (claim.status !== 'acquired') throw new Error('expected a claim')
    advance(900)
    expect(await store.extend('k', claim.token, 1000)).toBe(true)
    advance(900)
    expect(await store.begin('k', { fingerprint: fp, leaseMs: 1000 })).toEqual({
      status: 'in_progress',
      retryAfterMs: 100,
    })
    expect(await store.release('k', claim.token)).toBe(true)
    expect((await store.begin('k', { fingerprint: fp, leaseMs: 1000 })).status).toBe('acquired')
  })

  it('hands exactly one of 50 concurrent begins the claim', async () => {
    const store = new MemoryIdempotencyStore()
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.begin('k', { fingerprint: fp, leaseMs: 10_000 })),
    )
    expect(results.filter((r) => r.status === 'acquired')).toHaveLength(1)
  })

  it('stays within maxEntries over 100 000 distinct events, forgetting completed ones oldest first', async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 10_000 })
    const live: string[] = []
    for (let i = 0; i < 100_000; i++) {
      const claim = await store.begin(`evt_${i}`, { fingerprint: fp, leaseMs: 600_000 })
      if (claim.status !== 'acquired') throw new Error(`${claim.status} at ${i}`)
      // One event in 1000 stays in progress for the whole run; the rest complete.
      if (i % 1000 === 0) live.push(`evt_${i}`)
      else await store.complete(`evt_${i}`, claim.token, { retentionMs: 3_600_000 })
      if (store.size > 10_000) throw new Error(`size ${store.size} after ${i} events`)
    }
    expect(store.size).toBe(10_000)
    expect((await store.begin('evt_99999', { fingerprint: fp, leaseMs: 1 })).status).toBe(
      'completed',
    )
    for (const key of live) {
      expect((await store.begin(key, { fingerprint: fp, leaseMs: 1 })).status).toBe('in_progress')
    }
    expect((await store.begin('evt_1', { fingerprint: fp, leaseMs: 1 })).status).toBe('acquired')
  })

  it('never evicts a live claim: forgets completed events oldest first, then refuses new keys', async () => {
    const { store, advance } = clocked({ maxEntries: 3 })
    const done = async (key: string) => {
      const claim = await store.begin(key, { fingerprint: fp, leaseMs: 10_000 })
      if (claim.status !== 'acquired') throw new Error(`expected to claim ${key}`)
      expect(await store.complete(key, claim.token, { retentionMs: 60_000 })).toBe(true)
    }
    await done('a')
    const b = await store.begin('b', { fingerprint: fp, leaseMs: 10_000 })
    await done('c')
    expect((await store.begin('d', { fingerprint: fp, leaseMs: 10_000 })).status).toBe('acquired')
    // a (the oldest completed) went, b (in progress, and older than c) stayed.
    expect((await store.begin('b', { fingerprint: fp, leaseMs: 1 })).status).toBe('in_progress')
    expect((await store.begin('c', { fingerprint: fp, leaseMs: 1 })).status).toBe('completed')
    expect((await store.begin('a', { fingerprint: fp, leaseMs: 10_000 })).status).toBe('acquired')
    // Now a, b and d are all in progress: a new key is refused, and nothing is evicted.
    advance(1000)
    const refused = await store.begin('e', { fingerprint: fp, leaseMs: 10_000 })
    expect(refused.status).toBe('full')
    expect(refused.status === 'full' && refused.retryAfterMs).toBeGreaterThanOrEqual(1000)
    expect((await store.begin('b', { fingerprint: fp, leaseMs: 1 })).status).toBe('in_progress')
    expect(store.size).toBe(3)
    // Ending one claim makes room again.
    if (b.status !== 'acquired') throw new Error('expected to claim b')
    expect(await store.complete('b', b.token, { retentionMs: 60_000 })).toBe(true)
    expect((await store.begin('e', { fingerprint: fp, leaseMs: 10_000 })).status).toBe('acquired')
    // b, the only completed event, made that room: it is forgotten, and a, d, e are in progress.
    expect((await store.begin('b', { fingerprint: fp, leaseMs: 1 })).status).toBe('full')
  })

  it('takes the room of a claim whose lease lapsed when only claims are left', async () => {
    const { store, advance } = clocked({ maxEntries: 100 })
    for (let i = 0; i < 100; i++) {
      await store.begin(`k${i}`, { fingerprint: fp, leaseMs: i === 70 ? 10 : 10_000 })
    }
    expect((await store.begin('new', { fingerprint: fp, leaseMs: 10_000 })).status).toBe('full')
    advance(11)
    let status = ''
    for (let tries = 0; tries < 5 && status !== 'acquired'; tries++) {
      status = (await store.begin('new', { fingerprint: fp, leaseMs: 10_000 })).status
    }
    expect(status).toBe('acquired')
    expect(store.size).toBe(100)
  })

  it('sweeps expired entries as new ones arrive', async () => {
    const { store, advance } = clocked()
    for (let i = 0; i < 100; i++) await store.begin(`old_${i}`, { fingerprint: fp, leaseMs: 10 })
    advance(11)
    for (let i = 0; i < 100; i++)
      await store.begin(`new_${i}`, { fingerprint: fp, leaseMs: 10_000 })
    expect(store.size).toBe(100)
  })

  it('compares the hex fingerprints the processor makes exactly, digit by digit', async () => {
    const { store } = clocked()
    const print = 'ab'.repeat(32)
    const claim = await store.begin('k', { fingerprint: print, leaseMs: 1000 })
    if (claim.status !== 'acquired') throw new Error('expected a claim')
    await store.complete('k', claim.token, { retentionMs: 5000 })
    expect(await store.begin('k', { fingerprint: print, leaseMs: 1000 })).toEqual({
      status: 'completed',
    })
    for (const other of [`${'ab'.repeat(31)}ac`, `a${'ab'.repeat(31)}b`, print.toUpperCase()]) {
      expect(await store.begin('k', { fingerprint: other, leaseMs: 1000 })).toEqual({
        status: 'mismatch',
      })
    }
    expect((await store.begin('k', { fingerprint: print.slice(2), leaseMs: 1000 })).status).toBe(
      'mismatch',
    )
  })

  it('keeps fingerprints of any other form as given, and forgets them with their key', async () => {
    const { store, advance } = clocked({ maxEntries: 2 })
    const hex = 'cd'.repeat(32)
    for (const [key, print] of [
      ['upper', 'CD'.repeat(32)],
      ['short', 'cd'],
    ] as const) {
      const claim = await store.begin(key, { fingerprint: print, leaseMs: 1000 })
      if (claim.status !== 'acquired') throw new Error('expected a claim')
      await store.complete(key, claim.token, { retentionMs: 1000 })
      expect((await store.begin(key, { fingerprint: print, leaseMs: 1 })).status).toBe('completed')
      expect((await store.begin(key, { fingerprint: hex, leaseMs: 1 })).status).toBe('mismatch')
    }
    // Both expire; new keys reuse their room and keep their own (hex) fingerprints.
    advance(1001)
    for (const key of ['a', 'b']) {
      const claim = await store.begin(key, { fingerprint: hex, leaseMs: 1000 })
      if (claim.status !== 'acquired') throw new Error(`expected to claim ${key}`)
      await store.complete(key, claim.token, { retentionMs: 1000 })
      expect((await store.begin(key, { fingerprint: hex, leaseMs: 1 })).status).toBe('completed')
      expect((await store.begin(key, { fingerprint: 'cd', leaseMs: 1 })).status).toBe('mismatch')
    }
    expect(store.size).toBe(2)
  })

  it('accepts only the exact token it handed out', async () => {
    const { store } = clocked()
    const other = new MemoryIdempotencyStore()
    const claim = await store.begin('k', { fingerprint: fp, leaseMs: 1000 })
    const foreign = await other.begin('k', { fingerprint: fp, leaseMs: 1000 })
    if (claim.status !== 'acquired' || foreign.status !== 'acquired') {
      throw new Error('expected two claims')
    }
    const { token } = claim
    const dash = token.lastIndexOf('-')
    const prefix = token.slice(0, dash + 1)
    const claimNumber = token.slice(dash + 1)
    for (const wrong of [
      foreign.token,
      `${prefix}0${claimNumber}`,
      `${prefix}${Number(claimNumber) + 1}`,
      `${prefix}${claimNumber}0`,
      `${prefix}${claimNumber}x`,
      prefix,
      claimNumber,
      '',
    ]) {
      expect(await store.extend('k', wrong, 1000)).toBe(false)
      expect(await store.complete('k', wrong, { retentionMs: 1000 })).toBe(false)
      expect(await store.release('k', wrong)).toBe(false)
    }
    expect(await store.complete('k', token, { retentionMs: 1000 })).toBe(true)
  })

  it('keeps every key apart over many reuses of freed room', async () => {
    const { store, advance } = clocked({ maxEntries: 50 })
    const printOf = (i: number) => i.toString(16).padStart(64, '0')
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 50; i++) {
        const key = `r${round}_${i}`
        const claim = await store.begin(key, { fingerprint: printOf(i), leaseMs: 1000 })
        if (claim.status !== 'acquired') throw new Error(`${claim.status} for ${key}`)
        if (i % 2 === 0) await store.complete(key, claim.token, { retentionMs: 10_000 })
        else await store.release(key, claim.token)
      }
      for (let i = 0; i < 50; i += 2) {
        const key = `r${round}_${i}`
        expect((await store.begin(key, { fingerprint: printOf(i), leaseMs: 1 })).status).toBe(
          'completed',
        )
        expect((await store.begin(key, { fingerprint: printOf(i + 1), leaseMs: 1 })).status).toBe(
          'mismatch',
        )
      }
      advance(10_001)
    }
    expect(store.size).toBeLessThanOrEqual(50)
  })

  it.each([{ maxEntries: 0 }, { maxEntries: 1.5 }, { now: 5 }])('rejects options %o', (options) => {
    expect(() => new MemoryIdempotencyStore(options as never)).toThrow(TypeError)
  })
})
