import { describe, expect, it } from 'vitest'
import { backoffDelay, retryPolicy } from './retry.js'

describe('retry policy', () => {
  it('defaults to 5 attempts, 1 s, x2, capped at 1 h, 0-25 % jitter', () => {
    const policy = retryPolicy()
    expect(policy).toEqual({
      attempts: 5,
      initialDelayMs: 1000,
      factor: 2,
      maxDelayMs: 3_600_000,
      jitter: 0.25,
    })
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0))).toEqual([
      1000, 2000, 4000, 8000,
    ])
    expect(backoffDelay(policy, 1, () => 0.999_999)).toBe(1250)
    expect(backoffDelay(policy, 30, () => 0.5)).toBe(3_600_000)
  })

  it('keeps every jittered delay within [base, 1.25 base]', () => {
    const policy = retryPolicy({ initialDelayMs: 100 })
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelay(policy, 3)
      expect(delay).toBeGreaterThanOrEqual(400)
      expect(delay).toBeLessThanOrEqual(500)
    }
  })

  it.each([
    { attempts: 0 },
    { attempts: 1.5 },
    { initialDelayMs: -1 },
    { factor: Number.NaN },
    { maxDelayMs: Number.POSITIVE_INFINITY },
    { jitter: 2 },
  ])('rejects %o', (options) => {
    expect(() => retryPolicy(options)).toThrow(TypeError)
  })
})
