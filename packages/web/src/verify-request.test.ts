import { signSlack } from '@hookguard/test-kit'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { BODY, EVENT, NOW, type OrderEvent, SECRET, signedRequest } from './test-helpers.js'
import { verifyRequest } from './verify-request.js'

describe('verifyRequest()', () => {
  it('resolves to the event, the webhook and the exact raw body', async () => {
    const result = await verifyRequest<OrderEvent>(signedRequest(), { secret: SECRET, now: NOW })
    if (result.response) throw new Error('expected a verified request')
    expectTypeOf(result.event).toEqualTypeOf<OrderEvent>()
    expect(result.event).toEqual(EVENT)
    expect(result.webhook).toMatchObject({ id: 'evt_1', type: 'order.created' })
    expect(new TextDecoder().decode(result.body)).toBe(BODY)
  })

  it('resolves to a ready 401 response and the error for a bad signature', async () => {
    const result = await verifyRequest(signedRequest(BODY, { secret: 'whsec_other' }), {
      secret: SECRET,
      now: NOW,
    })
    expect(result.response?.status).toBe(401)
    expect(await result.response?.json()).toMatchObject({ code: 'INVALID_SIGNATURE' })
    expect(result).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } })
  })

  it('enforces maxBodyBytes', async () => {
    const result = await verifyRequest(signedRequest(), {
      secret: SECRET,
      now: NOW,
      maxBodyBytes: 10,
    })
    expect(result.response?.status).toBe(413)
  })

  it("answers Slack's url_verification handshake with a response and no error", async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-9' })
    const request = new Request('http://receiver.test/', {
      method: 'POST',
      body,
      headers: signSlack(body),
    })
    const result = await verifyRequest(request, { secret: SECRET, now: NOW, scheme: 'slack' })
    expect(result.response?.status).toBe(200)
    expect(await result.response?.json()).toEqual({ challenge: 'c-9' })
    expect(result).toMatchObject({ error: undefined })
  })

  it('throws a TypeError for misuse, and checks hoisted options once', async () => {
    await expect(verifyRequest(signedRequest(), { secret: '' })).rejects.toThrow(TypeError)
    await expect(
      verifyRequest(signedRequest(), { secret: SECRET, on: {} } as never),
    ).rejects.toThrow(/use webhookHandler/)
    const options = { secret: SECRET, now: NOW }
    for (let i = 0; i < 3; i++) {
      const result = await verifyRequest(signedRequest(), options)
      expect(result.response).toBeUndefined()
    }
  })
})
