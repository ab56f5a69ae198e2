import { describe, expect, it } from 'vitest'
import { fingerprint } from './key.js'

// SHA-256 of "abc" (FIPS 180-2, appendix B.1) and of the empty string.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

describe('fingerprint', () => {
  it('is the lower-case hex SHA-256 of the body, the same for its text and its bytes', async () => {
    expect(await fingerprint('abc')).toBe(ABC)
    expect(await fingerprint(new TextEncoder().encode('abc'))).toBe(ABC)
    expect(await fingerprint('')).toBe(EMPTY)
    // UTF-8, as the bytes on the wire.
    const text = '{"id":"évt_1","note":"✓"}'
    expect(await fingerprint(text)).toBe(await fingerprint(new TextEncoder().encode(text)))
  })

  it('hashes a view into a larger buffer by its own bytes only', async () => {
    const whole = new TextEncoder().encode('xxabcxx')
    expect(await fingerprint(whole.subarray(2, 5))).toBe(ABC)
  })
})
