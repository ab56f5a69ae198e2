import { hmac } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { hexDecode, hexEncode } from '../encoding.js'
import { sign } from '../sign.js'
import { verifyWebhook } from '../verify.js'
import { defineScheme, hmacSignature, rawSecretKey, signBodyOnly } from './define.js'
import { requiredHeader } from './read.js'

const acme = defineScheme({
  name: 'acme',
  read: (header) => ({
    signatures: hmacSignature(hexDecode(requiredHeader(header, 'x-acme-signature', 'X-Acme'))),
  }),
  headers: ({ signature }) => ({ 'x-acme-signature': hexEncode(signature) }),
})

describe('defineScheme', () => {
  it('defaults to the raw secret as the key and the body alone as the content', async () => {
    expect(acme.key).toBe(rawSecretKey)
    expect(acme.content).toBe(signBodyOnly)
    const body = '{"id":"evt_1","type":"x"}'
    // Signed by node:crypto, not by hookguard: the defaults must match what a sender does.
    const headers = { 'x-acme-signature': hmac('s3cret', body).toString('hex') }
    await expect(
      verifyWebhook({ scheme: acme, payload: body, headers, secret: 's3cret' }),
    ).resolves.toMatchObject({ id: 'evt_1', type: 'x' })
    expect(await sign({ scheme: acme, payload: body, secret: 's3cret' })).toEqual(headers)
  })

  it('keeps a key or content the definition gives', () => {
    const key = (secret: string | Uint8Array) => rawSecretKey(secret)
    const content = () => ['x']
    const custom = defineScheme({ ...acme, key, content })
    expect(custom.key).toBe(key)
    expect(custom.content).toBe(content)
  })
})

describe('hmacSignature', () => {
  it('keeps a 32-byte value and drops anything else', () => {
    expect(hmacSignature(new Uint8Array(32))).toHaveLength(1)
    expect(hmacSignature(new Uint8Array(31))).toEqual([])
    expect(hmacSignature(new Uint8Array(33))).toEqual([])
    expect(hmacSignature(undefined)).toEqual([])
  })
})
