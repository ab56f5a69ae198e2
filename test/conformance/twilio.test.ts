import { createHash } from 'node:crypto'
import { sign, verify, verifyWebhook } from '@hookguard/core'
import { createReceiver } from '@hookguard/core/adapter'
import { signTwilio } from '@hookguard/test-kit'
import { twilio } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'
import { codeOf } from './codes.js'

const scheme = 'twilio' as const
const secret = 'twilio-auth-token-0123456789abcdef'
const url = 'https://example.com/twilio/sms?tenant=a&x=1'
const form: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }

// Form fields as Twilio posts them; values with spaces, `+`, `&`, unicode and repeats.
const fields = fc.array(
  fc.tuple(
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  ),
  { minLength: 1, maxLength: 8 },
)
const encode = (pairs: Array<[string, string]>): string => new URLSearchParams(pairs).toString()
const paramsOf = (body: string): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {}
  const search = new URLSearchParams(body)
  for (const name of new Set(search.keys())) {
    const all = search.getAll(name)
    out[name] = all.length === 1 ? (all[0] as string) : all
  }
  return out
}

describe('twilio: against twilio validateRequest', () => {
  it("the published example (twilio.com/docs/usage/security): hookguard accepts Twilio's signature", async () => {
    const body = encode([
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+12349013030'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['To', '+18005551212'],
    ])
    const headers = { ...form, 'x-twilio-signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }
    const exampleUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2'
    const event = await verify({ scheme, secret: '12345', payload: body, headers, url: exampleUrl })
    expect(event).toMatchObject({ CallSid: 'CA1234567890ABCDE', Digits: '1234' })
  })

  it('node:crypto signs form bodies (SHA-1 and SHA-256) → hookguard and validateRequest accept', async () => {
    await fc.assert(
      fc.asyncProperty(
        fields,
        fc.constantFrom('sha1', 'sha256') as fc.Arbitrary<'sha1' | 'sha256'>,
        async (pairs, algorithm) => {
          const body = encode(pairs)
          const headers = { ...form, ...signTwilio(body, { secret, url, algorithm }) }
          await expect(verify({ scheme, secret, payload: body, headers, url })).resolves.toBeTypeOf(
            'object',
          )
          const sdkAlgorithm = algorithm === 'sha256' ? 'HMAC_SHA256' : 'HMAC_SHA1'
          expect(
            twilio.validateRequest(
              secret,
              headers['x-twilio-signature'] as string,
              url,
              paramsOf(body),
              sdkAlgorithm,
            ),
          ).toBe(true)
        },
      ),
      { numRuns: 60 },
    )
  })

  it("hookguard's sign() → validateRequest accepts", async () => {
    await fc.assert(
      fc.asyncProperty(fields, async (pairs) => {
        const body = encode(pairs)
        const headers = await sign({ scheme, secret, payload: body, url })
        expect(
          twilio.validateRequest(
            secret,
            headers['x-twilio-signature'] as string,
            url,
            paramsOf(body),
          ),
        ).toBe(true)
      }),
      { numRuns: 60 },
    )
  })

  it('JSON bodies: the URL carries bodySHA256; hookguard and validateRequestWithBody agree', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, async (payload) => {
        const hash = createHash('sha256').update(payload).digest('hex')
        const jsonUrl = `https://example.com/twilio/flow?bodySHA256=${hash}`
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          ...signTwilio(payload, { secret, url: jsonUrl, json: true }),
        }
        expect(await verify({ scheme, secret, payload, headers, url: jsonUrl })).toEqual(
          JSON.parse(payload),
        )
        expect(
          twilio.validateRequestWithBody(
            secret,
            headers['x-twilio-signature'] as string,
            jsonUrl,
            payload,
          ),
        ).toBe(true)
      }),
      { numRuns: 25 },
    )
  })

  it('id and type: I-Twilio-Idempotency-Token, and the message status', async () => {
    const body = encode([
      ['MessageSid', 'SM1'],
      ['MessageStatus', 'delivered'],
    ])
    const headers = {
      ...form,
      ...signTwilio(body, { secret, url }),
      'i-twilio-idempotency-token': 'tok-1',
    }
    const webhook = await verifyWebhook({ scheme, secret, payload: body, headers, url })
    expect([webhook.id, webhook.type]).toEqual(['tok-1', 'message.delivered'])
  })
})

describe('twilio: rejections, as validateRequest rejects them', () => {
  const body = encode([
    ['Body', 'hello world'],
    ['From', '+15551234567'],
  ])
  const headers: Record<string, string> = { ...form, ...signTwilio(body, { secret, url }) }

  it('a tampered body', async () => {
    const tampered = body.replace('hello', 'HELLO')
    expect(await codeOf(verify({ scheme, secret, payload: tampered, headers, url }))).toBe(
      'INVALID_SIGNATURE',
    )
    expect(
      twilio.validateRequest(
        secret,
        headers['x-twilio-signature'] as string,
        url,
        paramsOf(tampered),
      ),
    ).toBe(false)
  })

  it('a wrong auth token', async () => {
    expect(
      await codeOf(verify({ scheme, secret: 'other-token', payload: body, headers, url })),
    ).toBe('INVALID_SIGNATURE')
  })

  it('a JSON body that does not match its bodySHA256', async () => {
    const payload = '{"a":1}'
    const jsonUrl = `https://example.com/f?bodySHA256=${createHash('sha256').update('{"a":2}').digest('hex')}`
    const signed: Record<string, string> = {
      'content-type': 'application/json',
      ...signTwilio(payload, { secret, url: jsonUrl, json: true }),
    }
    expect(await codeOf(verify({ scheme, secret, payload, headers: signed, url: jsonUrl }))).toBe(
      'INVALID_SIGNATURE',
    )
    expect(
      twilio.validateRequestWithBody(
        secret,
        signed['x-twilio-signature'] as string,
        jsonUrl,
        payload,
      ),
    ).toBe(false)
  })

  it('a missing X-Twilio-Signature', async () => {
    expect(await codeOf(verify({ scheme, secret, payload: body, headers: form, url }))).toBe(
      'MISSING_HEADER',
    )
  })

  it('another URL than the one signed: the message names the URL checked and publicUrl', async () => {
    const internal = 'http://10.0.0.5:3000/twilio/sms?tenant=a&x=1'
    await expect(verify({ scheme, secret, payload: body, headers, url: internal })).rejects.toThrow(
      /URL http:\/\/10\.0\.0\.5:3000\/twilio\/sms\?tenant=a&x=1.*publicUrl/,
    )
  })

  it('no url at all is a TypeError: the scheme signs it', async () => {
    await expect(verify({ scheme, secret, payload: body, headers })).rejects.toThrow(TypeError)
  })
})

describe('twilio: publicUrl behind a proxy', () => {
  const body = encode([['Body', 'hi']])
  const headers = { ...form, ...signTwilio(body, { secret, url }) }

  it('the receiver checks the public base with the request path and query', async () => {
    const receiver = createReceiver({ scheme, secret, publicUrl: 'https://example.com/' })
    const outcome = await receiver.receive({
      payload: body,
      headers,
      url: 'http://127.0.0.1:8080/twilio/sms?tenant=a&x=1',
    })
    expect(outcome.action).toBe('next')
    const direct = createReceiver({ scheme, secret })
    await expect(
      direct.receive({
        payload: body,
        headers,
        url: 'http://127.0.0.1:8080/twilio/sms?tenant=a&x=1',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' })
  })

  it('a publicUrl with a query is a TypeError', () => {
    expect(() => createReceiver({ scheme, secret, publicUrl: 'https://example.com/?a=1' })).toThrow(
      TypeError,
    )
  })
})
