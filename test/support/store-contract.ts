import type { IdempotencyStore } from '@hookguard/core'
import { sleep } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'

/** A store under test: a name for the report and a factory. */
export interface StoreUnderTest {
  name: string
  create: () => IdempotencyStore
}

/**
 * The IdempotencyStore contract, for any store and any Redis topology (single node, Cluster):
 * every implementation must answer every sequence alike.
 */
export function describeStoreContract(stores: StoreUnderTest[]): void {
  let keys = 0
  const freshKey = () => `hookguard:evt_${++keys}`
  const LEASE = 30_000
  const KEEP = 60_000

  describe.each(stores)('IdempotencyStore contract: $name', ({ create }) => {
    it('acquires an absent key, then reports it in progress with the lease left', async () => {
      const store = create()
      const key = freshKey()
      const first = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      expect(first).toEqual({ status: 'acquired', token: expect.any(String) })

      const second = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      expect(second.status).toBe('in_progress')
      const { retryAfterMs } = second as { retryAfterMs: number }
      expect(retryAfterMs).toBeGreaterThan(LEASE - 5_000)
      expect(retryAfterMs).toBeLessThanOrEqual(LEASE)
    })

    it('completes an owned key: later begins see a duplicate, or a mismatch for another body', async () => {
      const store = create()
      const key = freshKey()
      const claim = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      if (claim.status !== 'acquired') throw new Error(`expected acquired, got ${claim.status}`)

      expect(await store.complete(key, claim.token, { retentionMs: KEEP })).toBe(true)
      expect(await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })).toEqual({
        status: 'completed',
      })
      expect(await store.begin(key, { fingerprint: 'other', leaseMs: LEASE })).toEqual({
        status: 'mismatch',
      })
    })

    it('reports a mismatch while the first body is still processing', async () => {
      const store = create()
      const key = freshKey()
      await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      expect(await store.begin(key, { fingerprint: 'other', leaseMs: LEASE })).toEqual({
        status: 'mismatch',
      })
      expect((await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })).status).toBe(
        'in_progress',
      )
    })

    it('release makes the key acquirable again, under a new token', async () => {
      const store = create()
      const key = freshKey()
      const first = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      if (first.status !== 'acquired') throw new Error(`expected acquired, got ${first.status}`)

      expect(await store.release(key, first.token)).toBe(true)
      const second = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      if (second.status !== 'acquired') throw new Error(`expected acquired, got ${second.status}`)
      expect(second.token).not.toBe(first.token)
      // The released token owns nothing any more.
      expect(await store.release(key, first.token)).toBe(false)
      expect(await store.complete(key, second.token, { retentionMs: KEEP })).toBe(true)
    })

    it('refuses every write under a token that does not own the key', async () => {
      const store = create()
      const key = freshKey()
      const claim = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      if (claim.status !== 'acquired') throw new Error(`expected acquired, got ${claim.status}`)

      expect(await store.extend(key, 'not-the-token', LEASE)).toBe(false)
      expect(await store.complete(key, 'not-the-token', { retentionMs: KEEP })).toBe(false)
      expect(await store.release(key, 'not-the-token')).toBe(false)
      expect((await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })).status).toBe(
        'in_progress',
      )
      expect(await store.complete(key, claim.token, { retentionMs: KEEP })).toBe(true)
    })

    it('refuses writes to a key nobody began', async () => {
      const store = create()
      const key = freshKey()
      expect(await store.extend(key, 'token', LEASE)).toBe(false)
      expect(await store.complete(key, 'token', { retentionMs: KEEP })).toBe(false)
      expect(await store.release(key, 'token')).toBe(false)
      expect((await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })).status).toBe(
        'acquired',
      )
    })

    it('a completed key cannot be completed, extended or released again', async () => {
      const store = create()
      const key = freshKey()
      const claim = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      if (claim.status !== 'acquired') throw new Error(`expected acquired, got ${claim.status}`)
      expect(await store.complete(key, claim.token, { retentionMs: KEEP })).toBe(true)

      expect(await store.complete(key, claim.token, { retentionMs: KEEP })).toBe(false)
      expect(await store.extend(key, claim.token, LEASE)).toBe(false)
      expect(await store.release(key, claim.token)).toBe(false)
      expect(await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })).toEqual({
        status: 'completed',
      })
    })

    it('after the lease runs out the key is acquirable, and the old owner cannot touch the new claim', async () => {
      const store = create()
      const key = freshKey()
      const old = await store.begin(key, { fingerprint: 'fp', leaseMs: 100 })
      if (old.status !== 'acquired') throw new Error(`expected acquired, got ${old.status}`)
      await sleep(250)

      const next = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      if (next.status !== 'acquired') throw new Error(`expected acquired, got ${next.status}`)
      expect(next.token).not.toBe(old.token)

      expect(await store.extend(key, old.token, LEASE)).toBe(false)
      expect(await store.complete(key, old.token, { retentionMs: KEEP })).toBe(false)
      expect(await store.release(key, old.token)).toBe(false)
      // The new owner's claim is intact: still in progress, and theirs to complete.
      expect((await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })).status).toBe(
        'in_progress',
      )
      expect(await store.complete(key, next.token, { retentionMs: KEEP })).toBe(true)
      expect((await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })).status).toBe(
        'completed',
      )
    })

    it('extend keeps a claim alive past its first lease', async () => {
      const store = create()
      const key = freshKey()
      const claim = await store.begin(key, { fingerprint: 'fp', leaseMs: 100 })
      if (claim.status !== 'acquired') throw new Error(`expected acquired, got ${claim.status}`)
      expect(await store.extend(key, claim.token, LEASE)).toBe(true)
      await sleep(250)

      const again = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      expect(again.status).toBe('in_progress')
      expect((again as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(LEASE - 5_000)
      expect(await store.complete(key, claim.token, { retentionMs: KEEP })).toBe(true)
    })

    it('forgets a completed key after its retention', async () => {
      const store = create()
      const key = freshKey()
      const claim = await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })
      if (claim.status !== 'acquired') throw new Error(`expected acquired, got ${claim.status}`)
      expect(await store.complete(key, claim.token, { retentionMs: 100 })).toBe(true)
      expect((await store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })).status).toBe(
        'completed',
      )
      await sleep(250)

      expect((await store.begin(key, { fingerprint: 'other', leaseMs: LEASE })).status).toBe(
        'acquired',
      )
    })

    it('50 concurrent begins of one key: exactly one acquires', async () => {
      const store = create()
      const key = freshKey()
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.begin(key, { fingerprint: 'fp', leaseMs: LEASE })),
      )
      expect(results.filter((r) => r.status === 'acquired')).toHaveLength(1)
      expect(results.filter((r) => r.status === 'in_progress')).toHaveLength(49)
    })

    it('keeps keys apart, including long, braced and non-ASCII ones', async () => {
      const store = create()
      const base = freshKey()
      const long = `${base}:${'x'.repeat(300)}`
      const keys = [base, `${base}:a`, `{${base}}`, `${base}}`, `${base}:ü🙂`, long, `${long}y`]
      const tokens = new Set<string>()
      for (const key of keys) {
        const claim = await store.begin(key, { fingerprint: key, leaseMs: LEASE })
        if (claim.status !== 'acquired') throw new Error(`${key}: expected acquired`)
        tokens.add(claim.token)
      }
      expect(tokens.size).toBe(keys.length)
      for (const key of keys) {
        expect(await store.begin(key, { fingerprint: key, leaseMs: LEASE })).toMatchObject({
          status: 'in_progress',
        })
      }
    })
  })
}
