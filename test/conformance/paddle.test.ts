import { sign, verify, verifyWebhook } from '@hookguard/core'
import { NOW, NOW_S, signPaddle } from '@hookguard/test-kit'
import { Paddle } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { jsonBody } from './arbitraries.js'
import { codeOf } from './codes.js'

const scheme = 'paddle' as const
const secret = 'pdl_ntfset_01abc_secretkey0123456789'
const base = { scheme, secret, now: NOW }

afterEach(() => {
  vi.useRealTimers()
})

// As Paddle documents it: the client's `webhooks` (constructing it picks the Node runtime).
const paddle = new Paddle('pdl_sdbx_apikey_kit')

// The SDK checks the time against its own clock: pin it to the kit's.
async function sdkAccepts(payload: string, header: string, key = secret): Promise<boolean> {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] })
  try {
    return await paddle.webhooks.isSignatureValid(payload, key, header)
  } finally {
    vi.useRealTimers()
  }
}

describe('paddle: against @paddle/paddle-node-sdk webhooks.isSignatureValid', () => {
  const event = (payload: string) =>
    JSON.stringify({
      event_id: 'evt_01',
      event_type: 'transaction.completed',
      occurred_at: '2026-11-28T12:00:00Z',
      notification_id: 'ntf_01',
      data: JSON.parse(payload),
    })

  it('node:crypto signs → hookguard and the SDK accept', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, async (data) => {
        const payload = event(data)
        const headers = signPaddle(payload, { secrets: [secret] })
        expect(await verify({ ...base, payload, headers })).toEqual(JSON.parse(payload))
        expect(await sdkAccepts(payload, headers['paddle-signature'])).toBe(true)
      }),
      { numRuns: 25 },
    )
  })

  it("hookguard's sign() → the SDK accepts", async () => {
    const payload = event('{"id":"txn_1"}')
    const headers = await sign({ scheme, secret, payload, timestamp: NOW_S })
    expect(await sdkAccepts(payload, headers['paddle-signature'] as string)).toBe(true)
  })

  it('rotation: every h1 is tried (the SDK keeps only the last one)', async () => {
    const payload = event('{}')
    const headers = signPaddle(payload, { secrets: [secret, 'pdl_ntfset_new_secret'] })
    expect(await verify({ ...base, payload, headers })).toMatchObject({ event_id: 'evt_01' })
    expect(
      await verify({ ...base, secret: 'pdl_ntfset_new_secret', payload, headers }),
    ).toMatchObject({ event_id: 'evt_01' })
    // The SDK only accepts the secret of the last h1.
    expect(await sdkAccepts(payload, headers['paddle-signature'])).toBe(false)
    expect(await sdkAccepts(payload, headers['paddle-signature'], 'pdl_ntfset_new_secret')).toBe(
      true,
    )
  })

  it('id and type: event_id and event_type', async () => {
    const payload = event('{}')
    const webhook = await verifyWebhook({
      ...base,
      payload,
      headers: signPaddle(payload, { secrets: [secret] }),
    })
    expect([webhook.id, webhook.type]).toEqual(['evt_01', 'transaction.completed'])
  })
})

describe('paddle: rejections, as the SDK rejects them', () => {
  const payload = JSON.stringify({ event_id: 'evt_2', event_type: 'x', data: {} })
  const headers = signPaddle(payload, { secrets: [secret] })

  it('a tampered body', async () => {
    const tampered = payload.replace('evt_2', 'evt_3')
    expect(await codeOf(verify({ ...base, payload: tampered, headers }))).toBe('INVALID_SIGNATURE')
    expect(await sdkAccepts(tampered, headers['paddle-signature'])).toBe(false)
  })

  it('a wrong secret', async () => {
    expect(await codeOf(verify({ ...base, secret: 'pdl_other', payload, headers }))).toBe(
      'INVALID_SIGNATURE',
    )
    expect(await sdkAccepts(payload, headers['paddle-signature'], 'pdl_other')).toBe(false)
  })

  it("a timestamp older than Paddle's 5 s window", async () => {
    const stale = signPaddle(payload, { secrets: [secret], timestamp: NOW_S - 6 })
    expect(await codeOf(verify({ ...base, payload, headers: stale }))).toBe('TIMESTAMP_EXPIRED')
    expect(await sdkAccepts(payload, stale['paddle-signature'])).toBe(false)
    const recent = signPaddle(payload, { secrets: [secret], timestamp: NOW_S - 5 })
    expect(await codeOf(verify({ ...base, payload, headers: recent }))).toBe('resolved')
  })

  it('a missing Paddle-Signature, and one without h1', async () => {
    expect(await codeOf(verify({ ...base, payload, headers: {} }))).toBe('MISSING_HEADER')
    const noH1 = { 'paddle-signature': `ts=${NOW_S}` }
    expect(await codeOf(verify({ ...base, payload, headers: noH1 }))).toBe('INVALID_SIGNATURE')
  })
})
