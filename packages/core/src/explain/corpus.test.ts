import { type Fixture, fixtures } from '@hookguard/test-kit/explain-corpus'
import { describe, expect, it } from 'vitest'
import { explain } from './explain.js'

function payloadOf(fixture: Fixture): unknown {
  if (fixture.parsedPayload !== undefined) return fixture.parsedPayload
  const { body, bodyEncoding } = fixture.request
  return bodyEncoding === 'base64' ? new Uint8Array(Buffer.from(body, 'base64')) : body
}

describe('explain over the corpus', () => {
  it('has at least 20 failure cases and a valid request per scheme family', () => {
    expect(fixtures.filter((f) => f.expect !== 'valid').length).toBeGreaterThanOrEqual(20)
    expect(fixtures.filter((f) => f.expect === 'valid').length).toBeGreaterThanOrEqual(6)
  })

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, fixture) => {
    const result = await explain({
      payload: payloadOf(fixture),
      headers: fixture.request.headers,
      secret: fixture.secret,
      scheme: fixture.scheme as 'hookguard',
      now: new Date(fixture.now),
      ...(fixture.url === undefined ? {} : { url: fixture.url }),
    })
    if (fixture.expect === 'valid') {
      expect(result).toEqual({ verdict: 'valid', scheme: fixture.scheme, findings: [] })
      return
    }
    expect(result.verdict).toBe('invalid')
    expect(result.findings[0]?.code, JSON.stringify(result.findings, null, 1)).toBe(fixture.expect)
    // Never a secret in what explain says.
    const text = JSON.stringify(result)
    for (const part of [fixture.secret.trim(), fixture.secret.trim().replace(/^"|"$/g, '')]) {
      expect(text).not.toContain(part)
    }
  })
})
