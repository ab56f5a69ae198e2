// The messages for the mistakes people make most (issue 11): each names what was passed and the fix.
import { expectCode, NOW, NOW_S, SECRET, signHookguard, signStripe } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { createReceiver } from './receiver.js'
import { sign } from './sign.js'
import { verify } from './verify.js'

const event = { id: 'evt_1', type: 'order.created', data: { object: { id: 'ord_1' } } }
const body = JSON.stringify(event)

describe('secret: undefined (a missing environment variable)', () => {
  it('is a TypeError that says it got undefined and points at the environment variable', async () => {
    const missing = process.env.HOOKGUARD_TEST_SECRET_THAT_IS_NOT_SET as string
    const error = await verify({ payload: body, headers: signHookguard(body), secret: missing })
      .then(() => undefined)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toMatch(/got undefined/)
    expect((error as Error).message).toMatch(/environment variable/)
    await expect(sign({ payload: body, secret: missing })).rejects.toThrow(/got undefined/)
    expect(() => createReceiver({ secret: missing })).toThrow(/environment variable/)
  })

  it('names the entry of a rotation list that is missing, without printing the others', () => {
    expect(() => createReceiver({ secret: ['whsec_still_here', undefined as never] })).toThrow(
      /^secret\[1\] .*got undefined/,
    )
    const empty = /got an empty string: is the environment variable .* empty\?$/
    expect(() => createReceiver({ secret: ['whsec_still_here', ''] })).toThrow(empty)
    expect(() => createReceiver({ secret: ['whsec_still_here', ''] })).not.toThrow(/still_here/)
  })
})

describe('payload forms', () => {
  const base = { headers: signHookguard(body), secret: SECRET, now: NOW }

  it('takes an ArrayBuffer, as request.arrayBuffer() gives, as the bytes it holds', async () => {
    const request = new Request('http://localhost/webhooks', { method: 'POST', body })
    await expect(verify({ ...base, payload: await request.arrayBuffer() })).resolves.toEqual(event)
    // A view on part of a larger buffer is its own bytes, not the whole buffer.
    const padded = new TextEncoder().encode(`xx${body}yy`)
    const view = new DataView(padded.buffer, 2, padded.byteLength - 4)
    await expect(verify({ ...base, payload: view as never })).resolves.toEqual(event)
  })

  it('says the body is missing when payload is undefined, not that it was parsed', async () => {
    const error = await expectCode(
      verify({ ...base, payload: undefined as never }),
      'RAW_BODY_UNAVAILABLE',
      500,
    )
    expect(error.message).toMatch(/payload is undefined: the request body is missing/)
    expect(error.message).not.toMatch(/parsed/)
  })

  it('still says a parsed object is parsed, and names its kind', async () => {
    const error = await expectCode(
      verify({ ...base, payload: event as never }),
      'RAW_BODY_UNAVAILABLE',
    )
    expect(error.message).toMatch(/not a parsed object/)
  })
})

describe('sign({ timestamp })', () => {
  it('refuses a millisecond timestamp (Date.now()) instead of signing what verify rejects', async () => {
    await expect(sign({ payload: body, secret: SECRET, timestamp: NOW.getTime() })).rejects.toThrow(
      /looks like milliseconds \(Date\.now\(\)\): pass Math\.floor\(Date\.now\(\) \/ 1000\)/,
    )
  })

  it('signs unix seconds that verify accepts', async () => {
    const headers = await sign({ payload: body, secret: SECRET, timestamp: NOW_S })
    await expect(verify({ payload: body, headers, secret: SECRET, now: NOW })).resolves.toEqual(
      event,
    )
  })
})

describe("another scheme's headers (MISSING_HEADER)", () => {
  it("names the scheme the request's headers belong to", async () => {
    const error = await expectCode(
      verify({ payload: body, headers: signStripe(body), secret: SECRET, now: NOW }),
      'MISSING_HEADER',
      401,
    )
    expect(error.message).toMatch(/^Missing X-Webhook-\w+ header \(scheme 'hookguard'\)/)
    expect(error.message).toMatch(/headers of the 'stripe' scheme: set scheme: 'stripe'/)
  })

  it('says nothing of other schemes when no other scheme is there', async () => {
    const error = await expectCode(
      verify({ payload: body, headers: { 'x-other': '1' }, secret: SECRET, now: NOW }),
      'MISSING_HEADER',
    )
    expect(error.message).not.toMatch(/scheme/)
  })
})

describe('processing options without on handlers', () => {
  it('speaks of one option in the singular and of several in the plural', () => {
    expect(() => createReceiver({ secret: SECRET, ack: 'after' })).toThrow(
      /^ack only applies together with on handlers$/,
    )
    expect(() => createReceiver({ secret: SECRET, ack: 'after', leaseMs: 1000 })).toThrow(
      /^ack, leaseMs only apply together with on handlers$/,
    )
  })
})
