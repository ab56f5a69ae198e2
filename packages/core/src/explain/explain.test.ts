import { describe, expect, it } from 'vitest'
import { headerGetter } from '../headers.js'
import { hookguardScheme } from '../schemes/hookguard.js'
import { sign } from '../sign.js'
import { explain } from './explain.js'
import { FINDING_CODES, finding, rankFindings } from './findings.js'
import { urlVariants } from './url-variants.js'

const secret = 'whsec_explain_unit_test'
const body = JSON.stringify(
  { id: 'evt_1', type: 'order.created', data: { object: { id: 'o1' } } },
  null,
  2,
)
const now = new Date('2026-01-15T12:00:00Z')
const timestamp = now.getTime() / 1000

describe('explain', () => {
  it('is valid for a valid request, with no findings', async () => {
    const headers = await sign({ payload: body, secret, timestamp })
    expect(await explain({ payload: body, headers, secret, now })).toEqual({
      verdict: 'valid',
      scheme: 'hookguard',
      findings: [],
    })
  })

  it('never reports the secret, the signature sent, or a signature for the body it was given', async () => {
    const headers = await sign({ payload: body, secret, timestamp })
    const received = JSON.stringify(JSON.parse(body))
    const forReceived = await sign({ payload: received, secret, timestamp })
    const result = JSON.stringify(await explain({ payload: received, headers, secret, now }))
    expect(result).toContain('BODY_RESERIALIZED')
    for (const value of [
      secret,
      headers['x-webhook-signature'],
      forReceived['x-webhook-signature'],
    ]) {
      expect(result).not.toContain(String(value).replace('v1=', ''))
    }
  })

  it('finds a secret among several (rotation) even when one is misconfigured', async () => {
    const headers = await sign({ payload: body, secret, timestamp })
    const result = await explain({
      payload: body,
      headers,
      secret: ['whsec_new_one', ` ${secret}\n`],
      now,
    })
    expect(result.findings.map((f) => f.code)).toEqual(['SECRET_WHITESPACE'])
  })

  it('names both mistakes when two were made: a re-serialised body and a stale timestamp', async () => {
    const headers = await sign({ payload: body, secret, timestamp: timestamp - 86_400 })
    const result = await explain({
      payload: JSON.stringify(JSON.parse(body)),
      headers,
      secret,
      now,
    })
    expect(result.error?.code).toBe('INVALID_SIGNATURE')
    expect(result.findings.map((f) => f.code)).toEqual(['BODY_RESERIALIZED', 'TIMESTAMP_STALE'])
  })

  it('uses the tolerance it is given', async () => {
    const headers = await sign({ payload: body, secret, timestamp: timestamp - 600 })
    expect((await explain({ payload: body, headers, secret, now })).findings[0]?.code).toBe(
      'CLOCK_SKEW',
    )
    expect(
      (await explain({ payload: body, headers, secret, now, toleranceSeconds: 900 })).verdict,
    ).toBe('valid')
  })

  it('is a TypeError when misused, like verify', async () => {
    await expect(explain(undefined as never)).rejects.toThrow(TypeError)
    await expect(explain({ payload: body, headers: {}, secret: '' })).rejects.toThrow(TypeError)
    await expect(
      explain({ payload: body, headers: {}, secret, scheme: 'acme' as never }),
    ).rejects.toThrow(/Unknown scheme/)
    await expect(explain({ payload: body, headers: null as never, secret })).rejects.toThrow(
      TypeError,
    )
    await expect(
      explain({ payload: body, headers: {}, secret, now: new Date(Number.NaN) }),
    ).rejects.toThrow(TypeError)
  })

  it('does not inflate a decompression bomb past its limit', { timeout: 20_000 }, async () => {
    const { gzipSync } = await import('node:zlib')
    const bomb = new Uint8Array(gzipSync(Buffer.alloc(16 * 1024 * 1024)))
    const headers = await sign({ payload: body, secret, timestamp })
    const result = await explain({ payload: bomb, headers, secret, now })
    expect(result.findings[0]).toMatchObject({ code: 'BODY_COMPRESSED', confidence: 'likely' })
  })
})

describe('findings', () => {
  it('ranks confirmed before likely before possible, one per code', () => {
    const ranked = rankFindings([
      finding('SECRET_MISMATCH', 'possible', 'a'),
      finding('BODY_EMPTY', 'likely', 'b'),
      finding('CLOCK_SKEW', 'confirmed', 'c'),
      finding('CLOCK_SKEW', 'confirmed', 'd'),
    ])
    expect(ranked.map((f) => f.code)).toEqual(['CLOCK_SKEW', 'BODY_EMPTY', 'SECRET_MISMATCH'])
  })

  it('has a one-line fix for every code', () => {
    for (const { fix } of Object.values(FINDING_CODES)) {
      expect(fix).not.toContain('\n')
      expect(fix.length).toBeGreaterThan(20)
    }
  })
})

describe('urlVariants', () => {
  it('undoes a proxy: protocol, host, port, trailing slash and query order', () => {
    const header = headerGetter({ 'x-forwarded-host': 'hooks.example.com' })
    const urls = urlVariants(hookguardScheme, 'http://10.0.0.7:8080/sms/?b=2&a=1', header).map(
      (v) => [v.url, v.causes.map((c) => c.code).join('+')],
    )
    expect(urls).toEqual([
      ['https://10.0.0.7:8080/sms/?b=2&a=1', 'URL_PROTOCOL'],
      ['http://10.0.0.7/sms/?b=2&a=1', 'URL_PORT'],
      ['https://10.0.0.7/sms/?b=2&a=1', 'URL_PROTOCOL+URL_PORT'],
      ['http://hooks.example.com/sms/?b=2&a=1', 'URL_HOST'],
      ['https://hooks.example.com/sms/?b=2&a=1', 'URL_HOST+URL_PROTOCOL'],
      ['http://10.0.0.7:8080/sms?b=2&a=1', 'URL_TRAILING_SLASH'],
      ['http://10.0.0.7:8080/sms/?a=1&b=2', 'URL_QUERY_ORDER'],
    ])
  })

  it("adds a scheme's own variants first", () => {
    const scheme = {
      ...hookguardScheme,
      urlVariants: (url: string) => [
        { url: `${url}#sig`, code: 'URL_HOST' as const, message: 'm' },
      ],
    }
    const [first] = urlVariants(scheme, 'https://a.example/x', headerGetter({}))
    expect(first).toEqual({
      url: 'https://a.example/x#sig',
      causes: [{ code: 'URL_HOST', message: 'm' }],
    })
  })
})
