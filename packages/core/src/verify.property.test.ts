import { signHookguard } from '@hookguard/test-kit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WebhookVerificationError } from './errors.js'
import { sign } from './sign.js'
import { verify } from './verify.js'

// Row 10: sign -> verify round-trips (and sign agrees with the test kit's independent signer),
// and any one-byte change to what a sender signed fails with a WebhookVerificationError and
// nothing else. The tampering properties start from the kit's signer, not from sign().
const secret = fc.oneof(
  fc.string({ minLength: 1, maxLength: 64 }),
  fc.uint8Array({ minLength: 1, maxLength: 64 }),
)
const json = fc.jsonValue().map((v) => JSON.stringify(v))
const body = fc.oneof(
  json,
  json.map((s) => new TextEncoder().encode(s)),
)
const timestamp = fc.integer({ min: 1, max: 4_000_000_000 })
const at = (ts: number) => new Date(ts * 1000)

function flipByte(text: string, index: number, xor: number): string {
  const bytes = new TextEncoder().encode(text)
  const i = index % bytes.length
  bytes[i] = (bytes[i] as number) ^ xor
  return new TextDecoder('latin1').decode(bytes)
}

async function rejectsWithVerificationError(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise
    return false
  } catch (error) {
    return error instanceof WebhookVerificationError
  }
}

describe('sign/verify properties (row 10)', () => {
  it('anything signed verifies and parses back', async () => {
    await fc.assert(
      fc.asyncProperty(body, secret, timestamp, async (payload, key, ts) => {
        const headers = await sign({ payload, secret: key, timestamp: ts })
        expect(headers).toEqual(signHookguard(payload, { secret: key, timestamp: ts }))
        const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload)
        expect(await verify({ payload, headers, secret: key, now: at(ts) })).toEqual(
          JSON.parse(text),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('a change to one byte of the body fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        json,
        secret,
        timestamp,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (payload, key, ts, index, xor) => {
          const headers = signHookguard(payload, { secret: key, timestamp: ts })
          const bytes = new TextEncoder().encode(payload)
          bytes[index % bytes.length] = (bytes[index % bytes.length] as number) ^ xor
          expect(
            await rejectsWithVerificationError(
              verify({ payload: bytes, headers, secret: key, now: at(ts) }),
            ),
          ).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('a change to one byte of the signature or timestamp header fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        json,
        secret,
        timestamp,
        fc.constantFrom('x-webhook-signature', 'x-webhook-timestamp'),
        fc.nat(),
        fc.integer({ min: 1, max: 127 }),
        async (payload, key, ts, name, index, xor) => {
          const headers = signHookguard(payload, { secret: key, timestamp: ts })
          const tampered = { ...headers, [name]: flipByte(headers[name], index, xor) }
          expect(
            await rejectsWithVerificationError(
              verify({ payload, headers: tampered, secret: key, now: at(ts) }),
            ),
          ).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('arbitrary headers and bodies only ever produce WebhookVerificationError', async () => {
    const headerValue = fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined))
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.uint8Array()),
        headerValue,
        headerValue,
        fc.oneof(fc.string(), fc.stringMatching(/^(v\d=[0-9a-f]{0,70},?){0,4}$/)),
        async (payload, ts, sig, sig2) => {
          const headers = { 'x-webhook-timestamp': ts, 'x-webhook-signature': sig ?? sig2 }
          expect(
            await rejectsWithVerificationError(verify({ payload, headers, secret: 's' })),
          ).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })
})
