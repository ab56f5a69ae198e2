import { expectCode, hmac } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { sign } from '../sign.js'
import { verify, verifyWebhook } from '../verify.js'

const SECRET = 'github-webhook-secret'
const event = { action: 'opened', issue: { number: 1 } }
const body = JSON.stringify(event)
const scheme = 'github' as const
const base = { scheme, secret: SECRET }
const signature = (payload: string | Uint8Array = body, secret = SECRET) =>
  `sha256=${hmac(secret, payload).toString('hex')}`
const headers = (extra: Record<string, string> = {}) => ({
  'x-hub-signature-256': signature(),
  'x-github-event': 'issues',
  'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  ...extra,
})

describe('github', () => {
  it('verifies the body HMAC; id is X-GitHub-Delivery, type is event.action', async () => {
    const result = await verifyWebhook({ ...base, payload: body, headers: headers() })
    expect(result).toMatchObject({
      event,
      id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      type: 'issues.opened',
    })
  })

  it('uses the event name alone when the payload has no action', async () => {
    const push = JSON.stringify({ ref: 'refs/heads/main' })
    const result = await verifyWebhook({
      ...base,
      payload: push,
      headers: headers({ 'x-github-event': 'push', 'x-hub-signature-256': signature(push) }),
    })
    expect(result.type).toBe('push')
    const none = await verifyWebhook({
      ...base,
      payload: body,
      headers: { 'x-hub-signature-256': signature() },
    })
    expect(none).toMatchObject({ id: undefined, type: undefined })
  })

  it('has no timestamp: an old delivery still verifies (replays are for the idempotency key)', async () => {
    await expect(
      verify({ ...base, payload: body, headers: headers(), now: new Date('2000-01-01') }),
    ).resolves.toEqual(event)
  })

  it('resolves a form-encoded delivery to the JSON of its payload field', async () => {
    const form = `payload=${encodeURIComponent(body)}`
    const h = headers({
      'content-type': 'application/x-www-form-urlencoded',
      'x-hub-signature-256': signature(form),
    })
    await expect(verify({ ...base, payload: form, headers: h })).resolves.toEqual(event)
    const empty = 'other=1'
    await expectCode(
      verify({
        ...base,
        payload: empty,
        headers: { ...h, 'x-hub-signature-256': signature(empty) },
      }),
      'INVALID_PAYLOAD',
    )
  })

  it.each([
    ['upper-case hex', () => signature().toUpperCase().replace('SHA256=', 'sha256=')],
    ['no sha256= prefix', () => signature().slice(7)],
    ['sha1=', () => `sha1=${hmac(SECRET, body).toString('hex').slice(0, 40)}`],
    ['a truncated digest', () => signature().slice(0, 40)],
    ['"foo"', () => 'foo'],
    ['a wrong secret', () => signature(body, 'other')],
  ])('INVALID_SIGNATURE for %s', async (_name, value) => {
    await expectCode(
      verify({ ...base, payload: body, headers: headers({ 'x-hub-signature-256': value() }) }),
      'INVALID_SIGNATURE',
    )
  })

  it('MISSING_HEADER without X-Hub-Signature-256, naming the SHA-1 header when only it came', async () => {
    await expectCode(verify({ ...base, payload: body, headers: {} }), 'MISSING_HEADER')
    const error = await expectCode(
      verify({ ...base, payload: body, headers: { 'x-hub-signature': 'sha1=00' } }),
      'MISSING_HEADER',
    )
    expect(error.message).toMatch(/SHA-1/)
  })

  it('rotates over several secrets', async () => {
    const h = headers({ 'x-hub-signature-256': signature(body, 'old') })
    await expect(
      verify({ ...base, secret: ['new', 'old'], payload: body, headers: h }),
    ).resolves.toEqual(event)
  })

  it('sign() writes the signature and a UUID delivery id', async () => {
    const h = await sign({ scheme, payload: body, secret: SECRET })
    expect(h['x-hub-signature-256']).toBe(signature())
    expect(h['x-github-delivery']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    const given = await sign({ scheme, payload: body, secret: SECRET, id: 'd-1' })
    expect(given['x-github-delivery']).toBe('d-1')
  })
})
