import { verify } from '@hookguard/core'
import { NOW, NOW_S, sendgridKeys, signSendgrid } from '@hookguard/test-kit'
import { SendgridEventWebhook } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { codeOf } from './codes.js'

const scheme = 'sendgrid' as const
const keys = sendgridKeys()
const base = { scheme, secret: keys.publicKey, now: NOW }
// SendGrid posts a batch: a JSON array of events.
const batch = fc
  .array(
    fc.record({
      email: fc.emailAddress(),
      event: fc.constantFrom('delivered', 'open'),
      sg_event_id: fc.uuid(),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((events) => JSON.stringify(events))

describe('sendgrid: against @sendgrid/eventwebhook', () => {
  const sdk = new SendgridEventWebhook()
  const sdkKey = sdk.convertPublicKeyToECDSA(keys.publicKey)

  it('node:crypto signs (ECDSA P-256) → hookguard and verifySignature both accept', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (payload) => {
        const headers = signSendgrid(payload, keys.privateKey)
        expect(await verify({ ...base, payload, headers })).toEqual(JSON.parse(payload))
        expect(
          sdk.verifySignature(
            sdkKey,
            payload,
            headers['x-twilio-email-event-webhook-signature'],
            headers['x-twilio-email-event-webhook-timestamp'],
          ),
        ).toBe(true)
      }),
      { numRuns: 25 },
    )
  })

  it('rejects a tampered body, another key, a stale timestamp and a missing header', async () => {
    const payload = '[{"event":"delivered","sg_event_id":"a"}]'
    const headers = signSendgrid(payload, keys.privateKey)
    const tampered = payload.replace('delivered', 'bounce')
    expect(await codeOf(verify({ ...base, payload: tampered, headers }))).toBe('INVALID_SIGNATURE')
    expect(
      sdk.verifySignature(
        sdkKey,
        tampered,
        headers['x-twilio-email-event-webhook-signature'],
        headers['x-twilio-email-event-webhook-timestamp'],
      ),
    ).toBe(false)
    expect(
      await codeOf(verify({ ...base, secret: sendgridKeys().publicKey, payload, headers })),
    ).toBe('INVALID_SIGNATURE')
    const stale = signSendgrid(payload, keys.privateKey, NOW_S - 301)
    expect(await codeOf(verify({ ...base, payload, headers: stale }))).toBe('TIMESTAMP_EXPIRED')
    const { 'x-twilio-email-event-webhook-signature': _, ...noSignature } = headers
    expect(await codeOf(verify({ ...base, payload, headers: noSignature }))).toBe('MISSING_HEADER')
  })

  it('a PEM key works; a key that is not P-256 is a TypeError', async () => {
    const payload = '[]'
    const pem = `-----BEGIN PUBLIC KEY-----\n${keys.publicKey}\n-----END PUBLIC KEY-----\n`
    expect(
      await verify({
        ...base,
        secret: pem,
        payload,
        headers: signSendgrid(payload, keys.privateKey),
      }),
    ).toEqual([])
    await expect(verify({ ...base, secret: 'bm90IGEga2V5', payload, headers: {} })).rejects.toThrow(
      TypeError,
    )
  })
})
