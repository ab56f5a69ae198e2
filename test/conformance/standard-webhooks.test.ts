import { type ErrorCode, sign, verify, WebhookVerificationError } from '@hookguard/core'
import { StandardWebhook, StandardWebhookError, SvixWebhook } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { jsonBody, messageId } from './arbitraries.js'

// Test vectors from the reference JavaScript library's own suite:
// https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/javascript/src/webhook.test.ts
// (mirrored for svix-* headers in https://github.com/svix/svix-webhooks/blob/main/javascript/src/webhook.test.ts).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  bareSecret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  // Values the suite uses as wrong signatures.
  invalidSignature: 'v1,dawfeoifkpqwoekfpqoekf',
  otherSignature: 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
}
const AT_VECTOR = new Date(VECTOR.timestamp * 1000)
const scheme = 'standard-webhooks' as const

function vectorHeaders(prefix = 'webhook'): Record<string, string> {
  return {
    [`${prefix}-id`]: VECTOR.id,
    [`${prefix}-timestamp`]: String(VECTOR.timestamp),
    [`${prefix}-signature`]: VECTOR.signature,
  }
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | string> {
  try {
    await promise
    return 'resolved'
  } catch (error) {
    return error instanceof WebhookVerificationError ? error.code : String(error)
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('standard-webhooks: published vectors', () => {
  it('sign() reproduces the suite\'s "sign function works" value', async () => {
    const headers = await sign({
      scheme,
      payload: VECTOR.payload,
      secret: VECTOR.secret,
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
    })
    expect(headers['webhook-signature']).toBe(VECTOR.signature)
    // The reference library agrees on the same inputs.
    expect(new StandardWebhook(VECTOR.secret).sign(VECTOR.id, AT_VECTOR, VECTOR.payload)).toBe(
      VECTOR.signature,
    )
  })

  it('verify() accepts the vector with and without the whsec_ prefix, webhook-* and svix-*', async () => {
    for (const secret of [VECTOR.secret, VECTOR.bareSecret]) {
      for (const prefix of ['webhook', 'svix']) {
        for (const name of ['standard-webhooks', 'svix'] as const) {
          await expect(
            verify({
              scheme: name,
              secret,
              payload: VECTOR.payload,
              headers: vectorHeaders(prefix),
              now: AT_VECTOR,
            }),
          ).resolves.toEqual({ test: 2432232314 })
        }
      }
    }
  })

  it('accepts the "multi sig payload" header', async () => {
    const multi = [
      `v1,${VECTOR.otherSignature}`,
      `v2,${VECTOR.otherSignature}`,
      VECTOR.signature,
      `v1,${VECTOR.otherSignature}`,
    ].join(' ')
    const headers = { ...vectorHeaders(), 'webhook-signature': multi }
    await expect(
      verify({ scheme, secret: VECTOR.secret, payload: VECTOR.payload, headers, now: AT_VECTOR }),
    ).resolves.toEqual({ test: 2432232314 })
  })
})

describe("standard-webhooks: the suite's negative cases give the same verdict, with a code", () => {
  const cases: Array<[string, (h: Record<string, string>) => void, number, ErrorCode]> = [
    ['missing id', (h) => delete h['webhook-id'], 0, 'MISSING_HEADER'],
    ['missing timestamp', (h) => delete h['webhook-timestamp'], 0, 'MISSING_HEADER'],
    ['missing signature', (h) => delete h['webhook-signature'], 0, 'MISSING_HEADER'],
    ['empty signature', (h) => (h['webhook-signature'] = ''), 0, 'MISSING_HEADER'],
    ['invalid timestamp', (h) => (h['webhook-timestamp'] = 'hello'), 0, 'INVALID_TIMESTAMP'],
    [
      'invalid signature (bad base64)',
      (h) => (h['webhook-signature'] = VECTOR.invalidSignature),
      0,
      'INVALID_SIGNATURE',
    ],
    [
      'partial signature',
      (h) => (h['webhook-signature'] = VECTOR.signature.slice(0, 8)),
      0,
      'INVALID_SIGNATURE',
    ],
    ['partial signature "v1,"', (h) => (h['webhook-signature'] = 'v1,'), 0, 'INVALID_SIGNATURE'],
    ['old timestamp (301 s)', () => {}, +301, 'TIMESTAMP_EXPIRED'],
    ['new timestamp (301 s)', () => {}, -301, 'TIMESTAMP_EXPIRED'],
  ]

  it.each(cases)('%s', async (_name, mutate, skewSeconds, code) => {
    // The request carries the vector's timestamp; the clock is moved by `skewSeconds`.
    const now = new Date((VECTOR.timestamp + skewSeconds) * 1000)
    const headers = vectorHeaders()
    mutate(headers)
    expect(
      await codeOf(
        verify({ scheme, secret: VECTOR.secret, payload: VECTOR.payload, headers, now }),
      ),
    ).toBe(code)
    // The reference library (which reads the real clock) rejects the same request.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(now)
    expect(() => new StandardWebhook(VECTOR.secret).verify(VECTOR.payload, headers)).toThrow(
      StandardWebhookError,
    )
  })

  it('wrong secret', async () => {
    const other = 'whsec_aGVsbG8gd29ybGQgaGVsbG8gd29ybGQh'
    expect(
      await codeOf(
        verify({
          scheme,
          secret: other,
          payload: VECTOR.payload,
          headers: vectorHeaders(),
          now: AT_VECTOR,
        }),
      ),
    ).toBe('INVALID_SIGNATURE')
  })

  it('empty key: a TypeError at the call, as the library throws at construction', async () => {
    expect(() => new StandardWebhook('')).toThrow()
    await expect(
      verify({ scheme, secret: '', payload: VECTOR.payload, headers: vectorHeaders() }),
    ).rejects.toBeInstanceOf(TypeError)
  })
})

describe("standard-webhooks: cross-verification with the senders' libraries", () => {
  const secretBytes = fc.uint8Array({ minLength: 24, maxLength: 64 })
  const toSecret = (bytes: Uint8Array) => `whsec_${Buffer.from(bytes).toString('base64')}`
  const timestamp = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 })

  it('standardwebhooks signs → hookguard verifies', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretBytes, messageId, timestamp, async (body, key, id, ts) => {
        const secret = toSecret(key)
        const signature = new StandardWebhook(secret).sign(id, new Date(ts * 1000), body)
        const headers = {
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': signature,
        }
        const now = new Date(ts * 1000)
        expect(await verify({ scheme, secret, payload: body, headers, now })).toEqual(
          JSON.parse(body),
        )
        // And with raw key bytes, as `new Webhook(bytes, { format: 'raw' })` would take them.
        expect(await verify({ scheme, secret: key, payload: body, headers, now })).toEqual(
          JSON.parse(body),
        )
      }),
      { numRuns: 60 },
    )
  })

  it('svix signs → hookguard verifies (svix-* headers)', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretBytes, messageId, timestamp, async (body, key, id, ts) => {
        const secret = toSecret(key)
        const signature = new SvixWebhook(secret).sign(id, new Date(ts * 1000), body)
        const headers = { 'svix-id': id, 'svix-timestamp': String(ts), 'svix-signature': signature }
        expect(
          await verify({
            scheme: 'svix',
            secret,
            payload: body,
            headers,
            now: new Date(ts * 1000),
          }),
        ).toEqual(JSON.parse(body))
      }),
      { numRuns: 60 },
    )
  })

  it('hookguard signs → standardwebhooks and svix verify', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretBytes, async (body, key) => {
        const secret = toSecret(key)
        const webhookHeaders = await sign({ scheme, payload: body, secret })
        expect(new StandardWebhook(secret).verify(body, webhookHeaders)).toEqual(JSON.parse(body))
        const svixHeaders = await sign({ scheme: 'svix', payload: body, secret })
        expect(() => new SvixWebhook(secret).verify(body, svixHeaders)).not.toThrow()
        expect(() => new SvixWebhook(secret).verify(body, webhookHeaders)).not.toThrow()
      }),
      { numRuns: 60 },
    )
  })

  it('hookguard rejects what the libraries reject for a one-byte change of the body', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secretBytes, fc.nat(), async (body, key, at) => {
        const secret = toSecret(key)
        const headers = await sign({ scheme, payload: body, secret })
        const bytes = Buffer.from(body)
        const i = at % bytes.length
        bytes[i] = (bytes[i] as number) ^ 0x01
        expect(() => new StandardWebhook(secret).verify(bytes, headers)).toThrow()
        expect(await codeOf(verify({ scheme, secret, payload: bytes, headers }))).toBe(
          'INVALID_SIGNATURE',
        )
      }),
      { numRuns: 60 },
    )
  })
})
