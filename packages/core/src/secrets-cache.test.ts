import { describe, expect, it } from 'vitest'
import { resolveScheme } from './schemes/registry.js'
import { normalizeSecrets, preparedKeys } from './secrets.js'

describe('the prepared-key cache', () => {
  it('holds every secret of a list longer than 256, so no request re-imports them', () => {
    const scheme = resolveScheme(undefined)
    const secrets = normalizeSecrets(Array.from({ length: 300 }, (_, i) => `whsec_cache_${i}`))
    const first = secrets.map((secret) => preparedKeys(scheme, secret))
    const again = secrets.map((secret) => preparedKeys(scheme, secret))
    expect(again.every((keys, i) => keys === first[i])).toBe(true)
  })
})
