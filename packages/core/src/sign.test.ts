import { hmac, NOW, NOW_S, SECRET } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { sign } from './sign.js'
import { verify } from './verify.js'

describe('sign (row 9)', () => {
  it('matches a fixed vector', async () => {
    // Computed once with `printf '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac secret`.
    const headers = await sign({
      payload: '{"id":"evt_1"}',
      secret: 'secret',
      timestamp: 1_700_000_000,
    })
    expect(headers).toEqual({
      'x-webhook-timestamp': '1700000000',
      'x-webhook-signature': 'v1=af784f27423c462e20039559cd4264140f7b7ed4c9090e26fd663faa5eeb8dda',
    })
  })

  it('equals an HMAC computed independently, for strings and bytes', async () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d, 0xff])
    const headers = await sign({ payload: body, secret: SECRET, timestamp: NOW_S })
    expect(headers['x-webhook-signature']).toBe(
      `v1=${hmac(SECRET, `${NOW_S}.`, body).toString('hex')}`,
    )
  })

  it('produces headers verify accepts', async () => {
    const payload = JSON.stringify({ id: 'evt_9', type: 'order.paid' })
    const headers = await sign({ payload, secret: SECRET, timestamp: NOW_S })
    await expect(verify({ payload, headers, secret: SECRET, now: NOW })).resolves.toEqual({
      id: 'evt_9',
      type: 'order.paid',
    })
  })

  it('uses the current time by default', async () => {
    const before = Math.floor(Date.now() / 1000)
    const headers = await sign({ payload: '{}', secret: SECRET })
    const ts = Number(headers['x-webhook-timestamp'])
    expect(ts).toBeGreaterThanOrEqual(before)
    expect(ts).toBeLessThanOrEqual(before + 2)
  })

  it.each([
    ['an empty secret', { secret: '' }],
    ['a fractional timestamp', { timestamp: 1.5 }],
    ['a negative timestamp', { timestamp: -1 }],
    ['a millisecond-sized unsafe timestamp', { timestamp: 2 ** 60 }],
    ['an object payload', { payload: { id: 1 } }],
    ['an unknown scheme', { scheme: 'nope' }],
    ['an empty id', { id: '' }],
  ])('throws TypeError for %s', async (_name, override) => {
    await expect(
      sign({ payload: '{}', secret: SECRET, ...(override as object) }),
    ).rejects.toBeInstanceOf(TypeError)
  })
})
