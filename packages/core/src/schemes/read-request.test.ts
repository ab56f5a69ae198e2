import { expectCode, hmac } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { hexDecode, hexEncode } from '../encoding.js'
import { WebhookVerificationError } from '../errors.js'
import { explain } from '../explain/index.js'
import { verifyWebhook } from '../verify.js'
import { defineScheme, hmacSignature } from './define.js'
import { stringField } from './read.js'

/** A sender that signs a `nonce` field inside its JSON body (as Mailgun signs its token). */
function nonceScheme(calls: { readBody: number; parse: number }) {
  const parse = (text: string) => JSON.parse(text) as unknown
  return defineScheme({
    name: 'nonce',
    readBody(text) {
      calls.readBody++
      return parse(text)
    },
    parse(text) {
      calls.parse++
      return parse(text)
    },
    read(_header, { parsed }) {
      const nonce = stringField(parsed, 'nonce')
      const signature = stringField(parsed, 'sig')
      if (nonce === undefined || signature === undefined) {
        throw new WebhookVerificationError('MISSING_HEADER', 'Missing the body’s nonce or sig')
      }
      return { id: nonce, signatures: hmacSignature(hexDecode(signature)) }
    },
    content: (parts) => [parts.id ?? ''],
    headers: () => ({}),
    eventId: (_event, _header, parts) => parts.id,
  })
}

const signed = (nonce: string, secret = 's3cret') =>
  JSON.stringify({ nonce, sig: hmac(secret, nonce).toString('hex'), data: { n: 1 } })

describe('readBody: a signature inside the body', () => {
  it('parses the body once: read gets it, and it is the event', async () => {
    const calls = { readBody: 0, parse: 0 }
    const scheme = nonceScheme(calls)
    const payload = signed('n-1')
    const webhook = await verifyWebhook({ scheme, payload, headers: {}, secret: 's3cret' })
    expect(webhook).toMatchObject({ id: 'n-1', event: { data: { n: 1 } } })
    expect(calls).toEqual({ readBody: 1, parse: 0 })
  })

  it('a body it cannot read is INVALID_SIGNATURE; its own coded errors keep their code', async () => {
    const scheme = nonceScheme({ readBody: 0, parse: 0 })
    await expectCode(
      verifyWebhook({ scheme, payload: 'not json', headers: {}, secret: 's3cret' }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verifyWebhook({ scheme, payload: '{"data":1}', headers: {}, secret: 's3cret' }),
      'MISSING_HEADER',
    )
    await expectCode(
      verifyWebhook({ scheme, payload: signed('n-2', 'other'), headers: {}, secret: 's3cret' }),
      'INVALID_SIGNATURE',
    )
  })

  it('explain reads the signature where verify does', async () => {
    const scheme = nonceScheme({ readBody: 0, parse: 0 })
    const payload = signed('n-3')
    expect(await explain({ scheme, payload, headers: {}, secret: 's3cret' })).toMatchObject({
      verdict: 'valid',
    })
    const wrong = await explain({ scheme, payload, headers: {}, secret: 'other' })
    expect(wrong.findings.map((f) => f.code)).not.toContain('HEADER_MISSING')
    expect(wrong.findings.map((f) => f.code)).toContain('SECRET_MISMATCH')
  })
})

describe('readBody returning undefined', () => {
  it('parses after verifying as usual', async () => {
    const calls = { readBody: 0, parse: 0 }
    const scheme = defineScheme({
      name: 'later',
      readBody: () => {
        calls.readBody++
        return undefined
      },
      parse: (text) => {
        calls.parse++
        return JSON.parse(text)
      },
      read: (header) => ({ signatures: hmacSignature(hexDecode(header('x-sig') ?? '')) }),
      headers: ({ signature }) => ({ 'x-sig': hexEncode(signature) }),
    })
    const payload = '{"id":"e1"}'
    const headers = { 'x-sig': hmac('s3cret', payload).toString('hex') }
    const webhook = await verifyWebhook({ scheme, payload, headers, secret: 's3cret' })
    expect(webhook.id).toBe('e1')
    expect(calls).toEqual({ readBody: 1, parse: 1 })
  })
})
