import {
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto'
import { sign, verify, WebhookVerificationError } from '@hookguard/core'
import { StandardWebhook } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody, messageId } from './arbitraries.js'

// Standard Webhooks v1a: Ed25519 over `${id}.${timestamp}.${body}`, keys serialised as
// base64 with whpk_ (public) and whsk_ (secret) prefixes, signature entries `v1a,<base64>`
// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md).
// No JavaScript library implements it (standard-webhooks#124), so node:crypto is the reference.

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  const seed = Buffer.from(jwk.d as string, 'base64url')
  const pub = Buffer.from(jwk.x as string, 'base64url')
  return {
    publicKey,
    privateKey,
    whpk: `whpk_${pub.toString('base64')}`,
    whsk: `whsk_${seed.toString('base64')}`,
    whsk64: `whsk_${Buffer.concat([seed, pub]).toString('base64')}`,
  }
}

const nodeV1a = (privateKey: KeyObject, content: string) =>
  `v1a,${nodeSign(null, Buffer.from(content), privateKey).toString('base64')}`

const scheme = 'standard-webhooks' as const
const timestamp = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 })

describe('v1a (Ed25519) against node:crypto', () => {
  it('node:crypto signs → hookguard verifies with whpk_', async () => {
    const pair = keyPair()
    await fc.assert(
      fc.asyncProperty(jsonBody, messageId, timestamp, async (body, id, ts) => {
        const headers = {
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': nodeV1a(pair.privateKey, `${id}.${ts}.${body}`),
        }
        const now = new Date(ts * 1000)
        expect(await verify({ scheme, secret: pair.whpk, payload: body, headers, now })).toEqual(
          JSON.parse(body),
        )
      }),
      { numRuns: 40 },
    )
  })

  it('hookguard signs with whsk_ (seed or seed+public) → node:crypto verifies', async () => {
    const pair = keyPair()
    await fc.assert(
      fc.asyncProperty(jsonBody, messageId, timestamp, fc.boolean(), async (body, id, ts, long) => {
        const secret = long ? pair.whsk64 : pair.whsk
        const headers = await sign({ scheme, payload: body, secret, id, timestamp: ts })
        const [version, value] = (headers['webhook-signature'] as string).split(',')
        expect(version).toBe('v1a')
        const content = Buffer.from(`${id}.${ts}.${body}`)
        expect(
          nodeVerify(null, content, pair.publicKey, Buffer.from(value as string, 'base64')),
        ).toBe(true)
      }),
      { numRuns: 40 },
    )
  })

  it('rotation: one secret list holding an HMAC whsec_ and an Ed25519 whpk_', async () => {
    const pair = keyPair()
    const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const secret = [whsec, pair.whpk]
    await fc.assert(
      fc.asyncProperty(
        jsonBody,
        messageId,
        timestamp,
        fc.integer({ min: 0, max: 2 }),
        async (body, id, ts, which) => {
          const v1 = new StandardWebhook(whsec).sign(id, new Date(ts * 1000), body)
          const v1a = nodeV1a(pair.privateKey, `${id}.${ts}.${body}`)
          const signature = [v1, v1a, `${v1a} ${v1}`][which] as string
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(ts),
            'webhook-signature': signature,
          }
          const now = new Date(ts * 1000)
          expect(await verify({ scheme, secret, payload: body, headers, now })).toEqual(
            JSON.parse(body),
          )
        },
      ),
      { numRuns: 40 },
    )
  })

  it('tampering with the body, id or timestamp, or another key, fails with INVALID_SIGNATURE', async () => {
    const pair = keyPair()
    const stranger = keyPair()
    await fc.assert(
      fc.asyncProperty(jsonBody, messageId, timestamp, fc.nat(), async (body, id, ts, at) => {
        const signature = nodeV1a(pair.privateKey, `${id}.${ts}.${body}`)
        const good = {
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': signature,
        }
        const bytes = Buffer.from(body)
        bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ 0x20
        const attempts = [
          { secret: pair.whpk, payload: bytes, headers: good },
          { secret: pair.whpk, payload: body, headers: { ...good, 'webhook-id': `${id}x` } },
          {
            secret: pair.whpk,
            payload: body,
            headers: { ...good, 'webhook-timestamp': String(ts + 1) },
          },
          { secret: stranger.whpk, payload: body, headers: good },
        ]
        for (const attempt of attempts) {
          const error = await verify({ scheme, ...attempt, now: new Date(ts * 1000) }).catch(
            (e: unknown) => e,
          )
          expect(error).toBeInstanceOf(WebhookVerificationError)
          expect((error as WebhookVerificationError).code).toBe('INVALID_SIGNATURE')
        }
      }),
      { numRuns: 40 },
    )
  })
})
