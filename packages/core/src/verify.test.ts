import { expectCode, hmac, NOW, NOW_S, SECRET, signHookguard } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { crypto } from '#crypto'
import { WebhookVerificationError } from './errors.js'
import { verify, verifyWebhook } from './verify.js'

const event = {
  id: 'evt_1',
  type: 'order.created',
  created: NOW_S,
  apiVersion: '2026-11-01',
  data: { object: { id: 'ord_1' } },
}
const body = JSON.stringify(event)
const base = { secret: SECRET, now: NOW }

describe('crypto back end', () => {
  it('runs the back end this project selects', ({ task }) => {
    // Only node:crypto has a synchronous HMAC; Web Crypto's is always a promise.
    expect(crypto.syncHmac === undefined).toBe(task.file.projectName === 'web-crypto')
  })
})

describe('verify: payload bytes (row 1)', () => {
  it('accepts a string payload and resolves to the parsed JSON (row 8)', async () => {
    await expect(verify({ ...base, payload: body, headers: signHookguard(body) })).resolves.toEqual(
      event,
    )
  })

  it('accepts a Buffer and a plain Uint8Array', async () => {
    const bytes = new TextEncoder().encode(body)
    await expect(
      verify({ ...base, payload: Buffer.from(bytes), headers: signHookguard(body) }),
    ).resolves.toEqual(event)
    await expect(
      verify({ ...base, payload: bytes, headers: signHookguard(body) }),
    ).resolves.toEqual(event)
  })

  it('verifies a body with a UTF-8 BOM over its exact bytes', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)])
    const headers = signHookguard(bytes)
    await expect(verify({ ...base, payload: bytes, headers })).resolves.toEqual(event)
    // The same body without its BOM is different bytes, so the signature must not match.
    await expectCode(verify({ ...base, payload: body, headers }), 'INVALID_SIGNATURE')
  })

  it('verifies emoji and invalid UTF-8 over the bytes as received', async () => {
    const emoji = JSON.stringify({ id: 'evt_2', type: 'x', note: 'ship it 🚀 ñ' })
    await expect(
      verify({ ...base, payload: Buffer.from(emoji), headers: signHookguard(emoji) }),
    ).resolves.toMatchObject({ note: 'ship it 🚀 ñ' })
    const invalid = Buffer.concat([
      Buffer.from('{"id":"evt_3","note":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ])
    const result = await verify<{ note: string }>({
      ...base,
      payload: invalid,
      headers: signHookguard(invalid),
    })
    expect(result.note).toBe('\ufffd\ufffd')
    // Decoding then re-encoding would change those bytes: the string form must fail.
    await expectCode(
      verify({ ...base, payload: invalid.toString('utf8'), headers: signHookguard(invalid) }),
      'INVALID_SIGNATURE',
    )
  })

  it('rejects a parsed object with RAW_BODY_UNAVAILABLE naming the fix', async () => {
    const error = await expectCode(
      verify({ ...base, payload: event as never, headers: signHookguard(body) }),
      'RAW_BODY_UNAVAILABLE',
      500,
    )
    expect(error.message).toMatch(/raw body/)
  })
})

describe('verify: headers (row 2)', () => {
  it('reads a Web Headers object', async () => {
    await expect(
      verify({ ...base, payload: body, headers: new Headers(signHookguard(body)) }),
    ).resolves.toEqual(event)
  })

  it('reads a Node-style object in any letter case', async () => {
    const h = signHookguard(body)
    const headers = {
      'X-Webhook-Timestamp': h['x-webhook-timestamp'],
      'X-WEBHOOK-SIGNATURE': h['x-webhook-signature'],
    }
    await expect(verify({ ...base, payload: body, headers })).resolves.toEqual(event)
  })

  it('joins array values with commas', async () => {
    const h = signHookguard(body)
    const headers = {
      'x-webhook-timestamp': [h['x-webhook-timestamp']],
      'x-webhook-signature': ['v1=00ff', h['x-webhook-signature']],
    }
    await expect(verify({ ...base, payload: body, headers })).resolves.toEqual(event)
  })

  it.each([
    ['signature absent', { 'x-webhook-timestamp': String(NOW_S) }],
    ['timestamp absent', { 'x-webhook-signature': 'v1=00' }],
    ['signature empty', { 'x-webhook-timestamp': String(NOW_S), 'x-webhook-signature': '' }],
    ['timestamp blank', { 'x-webhook-timestamp': '  ', 'x-webhook-signature': 'v1=00' }],
    ['no headers at all', {}],
  ])('MISSING_HEADER when %s', async (_name, headers) => {
    await expectCode(verify({ ...base, payload: body, headers }), 'MISSING_HEADER', 401)
  })
})

describe('verify: signature header (rows 3 and 4)', () => {
  const good = hmac(SECRET, `${NOW_S}.`, body).toString('hex')
  const withSig = (sig: string) => ({
    'x-webhook-timestamp': String(NOW_S),
    'x-webhook-signature': sig,
  })

  it.each([
    ['first of two v1', `v1=${good},v1=${'0'.repeat(64)}`],
    ['second of two v1', `v1=${'0'.repeat(64)},v1=${good}`],
    ['after a v0', `v0=deadbeef,v1=${good}`],
    ['with spaces around entries', `  v0=abc ,  v1=${good}  `],
    ['next to an unknown version', `v2=whatever,v1=${good},v9=zz`],
  ])('passes with %s', async (_name, header) => {
    await expect(verify({ ...base, payload: body, headers: withSig(header) })).resolves.toEqual(
      event,
    )
  })

  it.each([
    ['no v1 entry', 'v0=abcd'],
    ['garbage', 'not a signature'],
    ['v1 with an empty value', 'v1='],
    ['too short', `v1=${good.slice(0, 62)}`],
    ['too long', `v1=${good}00`],
    ['odd length', `v1=${good.slice(0, 63)}`],
    ['non-hex', `v1=${'z'.repeat(64)}`],
    ['upper-case hex (only lower-case is accepted)', `v1=${good.toUpperCase()}`],
    ['a single byte', 'v1=0'],
    ['a huge value', `v1=${'ab'.repeat(100_000)}`],
    ['the right hex under the wrong version', `v0=${good}`],
  ])('INVALID_SIGNATURE, never a RangeError, for %s', async (_name, header) => {
    await expectCode(
      verify({ ...base, payload: body, headers: withSig(header) }),
      'INVALID_SIGNATURE',
      401,
    )
  })

  it('rejects a tampered body and a wrong secret', async () => {
    await expectCode(
      verify({ ...base, payload: body.replace('ord_1', 'ord_2'), headers: signHookguard(body) }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verify({ ...base, payload: body, headers: signHookguard(body, { secret: 'another' }) }),
      'INVALID_SIGNATURE',
    )
  })
})

describe('verify: timestamp (row 5)', () => {
  const withTs = (ts: string) => ({
    'x-webhook-timestamp': ts,
    'x-webhook-signature': `v1=${hmac(SECRET, `${ts}.`, body).toString('hex')}`,
  })

  it.each([
    'NaN',
    'abc',
    '-1',
    '+1700000000',
    '1700000000.5',
    '1.7e9',
    '17e8',
    ' 1700000000x',
    '0x10',
    '1_700_000_000',
    'Infinity',
    '١٢٣',
  ])('INVALID_TIMESTAMP for %j even when it is signed', async (ts) => {
    await expectCode(
      verify({ ...base, payload: body, headers: withTs(ts) }),
      'INVALID_TIMESTAMP',
      401,
    )
  })

  it('accepts the edges of the tolerance and rejects one second past, both ways', async () => {
    for (const ts of [NOW_S - 300, NOW_S + 300]) {
      await expect(
        verify({ ...base, payload: body, headers: withTs(String(ts)) }),
      ).resolves.toEqual(event)
    }
    for (const ts of [NOW_S - 301, NOW_S + 301]) {
      await expectCode(
        verify({ ...base, payload: body, headers: withTs(String(ts)) }),
        'TIMESTAMP_EXPIRED',
        401,
      )
    }
  })

  it('says a 13-digit value looks like milliseconds', async () => {
    const error = await expectCode(
      verify({ ...base, payload: body, headers: withTs(String(NOW.getTime())) }),
      'TIMESTAMP_EXPIRED',
    )
    expect(error.message).toMatch(/milliseconds/)
  })

  it('honours toleranceSeconds and now', async () => {
    const headers = withTs(String(NOW_S - 1000))
    await expectCode(verify({ ...base, payload: body, headers }), 'TIMESTAMP_EXPIRED')
    await expect(
      verify({ ...base, payload: body, headers, toleranceSeconds: 1000 }),
    ).resolves.toEqual(event)
    await expect(
      verify({ ...base, payload: body, headers, toleranceSeconds: Number.POSITIVE_INFINITY }),
    ).resolves.toEqual(event)
    await expect(
      verify({ ...base, payload: body, headers, now: new Date((NOW_S - 1000) * 1000) }),
    ).resolves.toEqual(event)
    await expectCode(
      verify({ ...base, payload: body, headers: withTs(String(NOW_S - 1)), toleranceSeconds: 0 }),
      'TIMESTAMP_EXPIRED',
    )
  })

  it('checks a forged timestamp as a signature failure, not as expired', async () => {
    const headers = { ...signHookguard(body), 'x-webhook-timestamp': String(NOW_S - 10_000) }
    await expectCode(verify({ ...base, payload: body, headers }), 'INVALID_SIGNATURE')
  })

  it('defaults now to the current clock', async () => {
    const ts = Math.floor(Date.now() / 1000)
    await expect(
      verify({ secret: SECRET, payload: body, headers: signHookguard(body, { timestamp: ts }) }),
    ).resolves.toEqual(event)
  })
})

describe('verify: secrets (rows 6 and 7)', () => {
  it('accepts a signature by any secret of a rotation list', async () => {
    const secret = ['old-secret', new TextEncoder().encode('new-secret')]
    await expect(
      verify({
        ...base,
        secret,
        payload: body,
        headers: signHookguard(body, { secret: 'old-secret' }),
      }),
    ).resolves.toEqual(event)
    await expect(
      verify({
        ...base,
        secret,
        payload: body,
        headers: signHookguard(body, { secret: 'new-secret' }),
      }),
    ).resolves.toEqual(event)
    await expectCode(
      verify({ ...base, secret, payload: body, headers: signHookguard(body, { secret: 'third' }) }),
      'INVALID_SIGNATURE',
    )
  })

  it.each([
    ['an empty string', ''],
    ['an empty Uint8Array', new Uint8Array()],
    ['an empty list', []],
    ['a list with an empty entry', ['ok', '']],
    ['a number', 42],
    ['undefined', undefined],
  ])('throws TypeError for %s as secret', async (_name, secret) => {
    await expect(
      verify({ ...base, secret: secret as never, payload: body, headers: signHookguard(body) }),
    ).rejects.toBeInstanceOf(TypeError)
  })

  it.each([
    ['negative tolerance', { toleranceSeconds: -1 }],
    ['NaN tolerance', { toleranceSeconds: Number.NaN }],
    ['string tolerance', { toleranceSeconds: '300' }],
    ['invalid date', { now: new Date('nope') }],
    ['unknown scheme', { scheme: 'nope' }],
    ['non-object scheme', { scheme: 42 }],
  ])('throws TypeError for %s', async (_name, options) => {
    await expect(
      verify({ ...base, ...(options as object), payload: body, headers: signHookguard(body) }),
    ).rejects.toBeInstanceOf(TypeError)
  })

  it('never puts a secret in an error message', async () => {
    const secret = 'super-secret-value-123'
    const messages: string[] = []
    const attempts = [
      () => verify({ secret, now: NOW, payload: body, headers: signHookguard(body) }),
      () => verify({ secret, now: NOW, payload: body, headers: {} }),
      () =>
        verify({
          secret,
          now: NOW,
          payload: 'not json',
          headers: signHookguard('not json', { secret }),
        }),
      () =>
        verify({ secret, payload: body, headers: signHookguard(body, { secret, timestamp: 1 }) }),
      () => verify({ secret: [secret, ''], payload: body, headers: {} }),
    ]
    for (const attempt of attempts) {
      await attempt().catch((e: Error) =>
        messages.push(`${e.message} ${String(e.cause ?? '')} ${JSON.stringify(e)}`),
      )
    }
    expect(messages).toHaveLength(attempts.length)
    for (const m of messages) expect(m).not.toContain(secret)
  })
})

describe('verify: payload parsing (row 8)', () => {
  it.each(['not json', '', '{"id":', '\u0000'])(
    'INVALID_PAYLOAD for a signed body %j',
    async (text) => {
      const error = await expectCode(
        verify({ ...base, payload: text, headers: signHookguard(text) }),
        'INVALID_PAYLOAD',
        400,
      )
      expect(error.cause).toBeInstanceOf(SyntaxError)
    },
  )

  it('checks the signature before parsing', async () => {
    await expectCode(
      verify({ ...base, payload: 'not json', headers: signHookguard(body) }),
      'INVALID_SIGNATURE',
    )
  })

  it('verifyWebhook exposes the id and type for routing and idempotency', async () => {
    const result = await verifyWebhook({ ...base, payload: body, headers: signHookguard(body) })
    expect(result).toMatchObject({ event, id: 'evt_1', type: 'order.created' })
    expect(result.scheme.name).toBe('hookguard')
  })
})

describe('WebhookVerificationError', () => {
  it('serialises to { error, code } and is recognised across copies', () => {
    const error = new WebhookVerificationError('PAYLOAD_TOO_LARGE', 'too big')
    expect(error.status).toBe(413)
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      error: 'too big',
      code: 'PAYLOAD_TOO_LARGE',
    })
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('hookguard.WebhookVerificationError')]: true,
    })
    expect(foreign).toBeInstanceOf(WebhookVerificationError)
    expect(new Error('x')).not.toBeInstanceOf(WebhookVerificationError)
  })
})
