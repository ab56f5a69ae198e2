import { expectCode, hmac } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { hexDecode, hexEncode } from '../encoding.js'
import { WebhookVerificationError } from '../errors.js'
import { sign } from '../sign.js'
import { verify, verifyWebhook } from '../verify.js'
import { rawSecretKey } from './define.js'
import { requiredHeader } from './read.js'
import { resolveScheme, schemes } from './registry.js'
import type { Scheme } from './types.js'

describe('scheme registry', () => {
  it('selects every built-in by name', () => {
    expect(Object.keys(schemes)).toEqual([
      'hookguard',
      'standard-webhooks',
      'svix',
      'stripe',
      'github',
      'slack',
      'shopify',
      'discord',
      'twilio',
      'square',
      'paddle',
      'linear',
      'hubspot',
      'sendgrid',
      'twitch',
      'zoom',
      'meta',
      'gitlab',
      'lemonsqueezy',
      'typeform',
      'calendly',
      'coinbase',
      'mailgun',
      'intercom',
      'vercel',
    ])
    for (const [name, scheme] of Object.entries(schemes)) {
      expect(resolveScheme(name as keyof typeof schemes)).toBe(scheme)
      expect(scheme.name).toBe(name)
    }
  })

  it.each([
    ['an unknown name', 'paypal'],
    ['an inherited name', 'toString'],
    [
      'an object without read',
      { name: 'x', content: () => [], key: rawSecretKey, headers: () => ({}) },
    ],
    [
      'an object whose key is not a function',
      {
        name: 'x',
        read: () => ({ signatures: [] }),
        content: () => [],
        key: 'k',
        headers: () => ({}),
      },
    ],
  ])('TypeError for %s', (_name, scheme) => {
    expect(() => resolveScheme(scheme as never)).toThrow(TypeError)
  })
})

describe('a custom scheme (the README how-to)', () => {
  // Acme sends `X-Acme-Signature: <hex HMAC-SHA256 of the body>` and `X-Acme-Delivery`.
  const acme: Scheme = {
    name: 'acme',
    needsId: true,
    generateId: () => 'generated-delivery',
    read(header) {
      const bytes = hexDecode(requiredHeader(header, 'x-acme-signature', 'X-Acme-Signature'))
      return { signatures: bytes ? [bytes] : [] }
    },
    content: (_parts, body) => [body],
    key: rawSecretKey,
    headers: ({ signature, id }) => ({
      'x-acme-signature': hexEncode(signature),
      'x-acme-delivery': id ?? '',
    }),
    eventId: (_event, header) => header('x-acme-delivery'),
    eventType: (event) => (event as { kind?: string }).kind,
  }
  const body = JSON.stringify({ kind: 'invoice.paid' })

  it('verifies, signs and reports id and type the way the scheme says', async () => {
    const headers = {
      'x-acme-signature': hmac('s3cret', body).toString('hex'),
      'x-acme-delivery': 'd-9',
    }
    const result = await verifyWebhook({ payload: body, headers, secret: 's3cret', scheme: acme })
    expect(result).toMatchObject({ id: 'd-9', type: 'invoice.paid', scheme: acme })
    const signed = await sign({ payload: body, secret: 's3cret', scheme: acme })
    expect(signed).toEqual({ ...headers, 'x-acme-delivery': 'generated-delivery' })
    await expect(
      verify({ payload: body, headers: signed, secret: 's3cret', scheme: acme }),
    ).resolves.toEqual({
      kind: 'invoice.paid',
    })
  })

  it('maps its failures to the standard codes', async () => {
    await expectCode(
      verify({ payload: body, headers: {}, secret: 's3cret', scheme: acme }),
      'MISSING_HEADER',
    )
    const error = await expectCode(
      verify({
        payload: body,
        headers: { 'x-acme-signature': 'zz' },
        secret: 's3cret',
        scheme: acme,
      }),
      'INVALID_SIGNATURE',
    )
    expect(error).toBeInstanceOf(WebhookVerificationError)
  })

  it('can carry Ed25519 public keys by returning a tagged key', async () => {
    const edScheme: Scheme = {
      ...acme,
      name: 'acme-ed25519',
      read(header) {
        const bytes = hexDecode(requiredHeader(header, 'x-acme-signature', 'X-Acme-Signature'))
        return { signatures: [], ed25519Signatures: bytes ? [bytes] : [] }
      },
      key: (secret) => ({
        type: 'ed25519-public',
        key: typeof secret === 'string' ? (hexDecode(secret) ?? new Uint8Array()) : secret,
      }),
    }
    const { generateKeyPairSync, sign: nodeSign } = await import('node:crypto')
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString(
      'hex',
    )
    const sig = nodeSign(null, Buffer.from(body), privateKey).toString('hex')
    await expect(
      verify({
        payload: body,
        headers: { 'x-acme-signature': sig },
        secret: pub,
        scheme: edScheme,
      }),
    ).resolves.toEqual({ kind: 'invoice.paid' })
    await expect(
      verify({
        payload: body,
        headers: { 'x-acme-signature': sig },
        secret: 'abcd',
        scheme: edScheme,
      }),
    ).rejects.toThrow(TypeError)
  })
})
