import {
  type ErrorCode,
  sign,
  verify,
  verifyWebhook,
  WebhookVerificationError,
} from '@hookguard/core'
import { octokit } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'

const scheme = 'github' as const

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | string> {
  try {
    await promise
    return 'resolved'
  } catch (error) {
    return error instanceof WebhookVerificationError ? error.code : String(error)
  }
}

// GitHub sends its JSON indented by 2 with a final newline and upper-case \u escapes; the
// octokit suite builds its vectors this way (test/verify.test.ts, toNormalizedJsonString).
function githubJson(payload: object): string {
  const text = `${JSON.stringify(payload, null, 2)}\n`
  return text.replace(/[^\\]\\u[\da-f]{4}/g, (s) => s.slice(0, 3) + s.slice(3).toUpperCase())
}

const hub = (signature: string) => ({ 'x-hub-signature-256': signature, 'x-github-event': 'ping' })

describe('github: published vectors', () => {
  // https://github.com/octokit/webhooks-methods.js/blob/main/test/verify.test.ts
  const vectors: Array<[string, string, string]> = [
    [
      'mysecret',
      githubJson({ foo: 'bar' }),
      'sha256=e3eccac34c43c7dc1cbb905488b1b81347fcc700a7b025697a9d07862256023f',
    ],
    [
      'development',
      githubJson({ foo: 'Foo\n\u001b[34mbar: ♥♥♥♥♥♥♥♥\nthis-is-lost\u001b[0m\u001b[2K' }),
      'sha256=9dacf9003316b09be07df56d86a2d0d6872e42a1e6c72c3bad9ff915a7c5603e',
    ],
    [
      'development',
      githubJson({ foo: '\\u001b' }),
      'sha256=87316067e2011fae39998b18c46a14d83b3e7c3ffdd88fb2ee5afb7d11288e60',
    ],
    // https://github.com/octokit/webhooks-methods.js/blob/main/test/sign.test.ts
    [
      'mysecret',
      JSON.stringify({ foo: 'bar' }),
      'sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3',
    ],
  ]

  it.each(vectors)(
    'secret %j: verify accepts and sign reproduces the value',
    async (secret, payload, signature) => {
      await expect(verify({ scheme, secret, payload, headers: hub(signature) })).resolves.toEqual(
        JSON.parse(payload),
      )
      await expect(
        verify({
          scheme,
          secret: new TextEncoder().encode(secret),
          payload: Buffer.from(payload),
          headers: hub(signature),
        }),
      ).resolves.toEqual(JSON.parse(payload))
      expect((await sign({ scheme, secret, payload }))['x-hub-signature-256']).toBe(signature)
    },
  )

  it('the example on docs.github.com "Validating webhook deliveries"', async () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    const headers = await sign({
      scheme,
      secret: "It's a Secret to Everybody",
      payload: 'Hello, World!',
    })
    expect(headers['x-hub-signature-256']).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    )
    // The signature passes; the body is not JSON, which is the next check.
    expect(
      await codeOf(
        verify({ scheme, secret: "It's a Secret to Everybody", payload: 'Hello, World!', headers }),
      ),
    ).toBe('INVALID_PAYLOAD')
  })

  it('the suite\'s negative cases: a wrong signature, "foo", a wrong secret', async () => {
    const [secret, payload, signature] = vectors[0] as [string, string, string]
    const cases: Array<[string, string, string]> = [
      [
        secret,
        'sha256=xxxccac34c43c7dc1cbb905488b1b81347fcc700a7b025697a9d07862256023f',
        'INVALID_SIGNATURE',
      ],
      [secret, 'foo', 'INVALID_SIGNATURE'],
      ['foo', signature, 'INVALID_SIGNATURE'],
    ]
    for (const [key, sig, code] of cases) {
      expect(await octokit.verify(key, payload, sig)).toBe(false)
      expect(await codeOf(verify({ scheme, secret: key, payload, headers: hub(sig) }))).toBe(code)
    }
    expect(await codeOf(verify({ scheme, secret, payload, headers: {} }))).toBe('MISSING_HEADER')
  })
})

describe('github: cross-verification with @octokit/webhooks-methods', () => {
  const secret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 })

  it('octokit signs → hookguard verifies, with the documented id and type', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secret, fc.uuid(), async (payload, key, delivery) => {
        const signature = await octokit.sign(key, payload)
        const headers = { ...hub(signature), 'x-github-delivery': delivery }
        const result = await verifyWebhook({ scheme, secret: key, payload, headers })
        expect(result.event).toEqual(JSON.parse(payload))
        expect(result.id).toBe(delivery)
        expect(result.type).toBe('ping')
      }),
      { numRuns: 60 },
    )
  })

  it('hookguard signs → octokit verifies; octokit rejects a one-byte change like hookguard', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, secret, fc.nat(), async (payload, key, at) => {
        const signature = (await sign({ scheme, secret: key, payload }))[
          'x-hub-signature-256'
        ] as string
        expect(await octokit.verify(key, payload, signature)).toBe(true)
        const chars = [...payload]
        const i = at % chars.length
        chars[i] = chars[i] === 'a' ? 'b' : 'a'
        const tampered = chars.join('')
        expect(await octokit.verify(key, tampered, signature)).toBe(false)
        expect(
          await codeOf(verify({ scheme, secret: key, payload: tampered, headers: hub(signature) })),
        ).toBe('INVALID_SIGNATURE')
      }),
      { numRuns: 60 },
    )
  })

  it('rotation: like verifyWithFallback, any listed secret passes', async () => {
    const signature = await octokit.sign('old-secret', '{"zen":"Keep it logically awesome."}')
    const payload = '{"zen":"Keep it logically awesome."}'
    expect(await octokit.verifyWithFallback('new-secret', payload, signature, ['old-secret'])).toBe(
      true,
    )
    await expect(
      verify({ scheme, secret: ['new-secret', 'old-secret'], payload, headers: hub(signature) }),
    ).resolves.toEqual({ zen: 'Keep it logically awesome.' })
  })
})
