import { verify as nodeVerify } from 'node:crypto'
import { ed25519Pair, expectCode, hmac, NOW, NOW_S } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { sign } from '../sign.js'
import { verify, verifyWebhook } from '../verify.js'
import { standardWebhooksKey } from './standard-webhooks.js'

const KEY = Buffer.from('hookguard standard webhooks key!')
const SECRET = `whsec_${KEY.toString('base64')}`
const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'
const event = { type: 'contact.created', timestamp: '2026-11-28T12:00:00Z', data: { id: 'c_1' } }
const body = JSON.stringify(event)
const scheme = 'standard-webhooks' as const
const base = { scheme, secret: SECRET, now: NOW }

function v1(content: string, key: Uint8Array = KEY) {
  return `v1,${hmac(key, content).toString('base64')}`
}

function headers(
  overrides: Partial<Record<string, string>> = {},
  prefix = 'webhook',
): Record<string, string> {
  const id = overrides.id ?? ID
  const ts = overrides.ts ?? String(NOW_S)
  return {
    [`${prefix}-id`]: id,
    [`${prefix}-timestamp`]: ts,
    [`${prefix}-signature`]: overrides.sig ?? v1(`${id}.${ts}.${body}`),
  }
}

describe('standard-webhooks: v1 (HMAC)', () => {
  it('verifies webhook-* headers, resolves to the JSON, and keys on webhook-id', async () => {
    const result = await verifyWebhook({ ...base, payload: body, headers: headers() })
    expect(result).toMatchObject({ event, id: ID, type: 'contact.created' })
    expect(result.scheme.name).toBe('standard-webhooks')
  })

  it('also reads svix-* headers, under either scheme name', async () => {
    for (const name of ['standard-webhooks', 'svix'] as const) {
      await expect(
        verify({ ...base, scheme: name, payload: body, headers: headers({}, 'svix') }),
      ).resolves.toEqual(event)
      await expect(
        verify({ ...base, scheme: name, payload: body, headers: headers({}, 'webhook') }),
      ).resolves.toEqual(event)
    }
  })

  it('uses one header set: a webhook-signature with only svix-id is a missing header', async () => {
    const h = headers()
    const mixed = {
      'webhook-signature': h['webhook-signature'] as string,
      'svix-id': ID,
      'svix-timestamp': String(NOW_S),
    }
    await expectCode(verify({ ...base, payload: body, headers: mixed }), 'MISSING_HEADER')
  })

  it('accepts any v1 among space-separated entries and ignores other versions', async () => {
    const good = v1(`${ID}.${NOW_S}.${body}`)
    const other = `v1,${Buffer.alloc(32, 7).toString('base64')}`
    for (const sig of [
      `${other} ${good}`,
      `${good} ${other}`,
      `v2,${good.slice(3)} ${good}`,
      `v1a,${Buffer.alloc(64).toString('base64')} ${good}`,
      `  ${good}  `,
    ]) {
      await expect(verify({ ...base, payload: body, headers: headers({ sig }) })).resolves.toEqual(
        event,
      )
    }
  })

  it.each([
    ['no v1 entry', 'v2,abcd'],
    ['a bare value', 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='],
    ['bad base64', 'v1,dawfeoifkpqwoekfpqoekf'],
    ['base64 with a stray character', `v1,${'A'.repeat(43)}*`],
    ['unpadded base64', `v1,${Buffer.alloc(32).toString('base64').replace('=', '')}`],
    ['url-safe base64', `v1,${Buffer.alloc(32, 0xfb).toString('base64url')}=`],
    ['a truncated signature', 'v1,g0hM9SsE'],
    ['an empty v1', 'v1,'],
    ['the right bytes under v1a', `v1a,${hmac(KEY, `${ID}.${NOW_S}.${body}`).toString('base64')}`],
    ['a comma instead of a space', `v1,${'A'.repeat(43)}=,v1,${'A'.repeat(43)}=`],
  ])('INVALID_SIGNATURE for %s', async (_name, sig) => {
    await expectCode(
      verify({ ...base, payload: body, headers: headers({ sig }) }),
      'INVALID_SIGNATURE',
      401,
    )
  })

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'MISSING_HEADER without %s',
    async (name) => {
      const h = headers()
      delete h[name]
      const error = await expectCode(
        verify({ ...base, payload: body, headers: h }),
        'MISSING_HEADER',
      )
      expect(error.message).toContain(name)
    },
  )

  it('rejects an id with a dot, which would make the signed content ambiguous', async () => {
    await expectCode(
      verify({ ...base, payload: body, headers: headers({ id: 'msg.1' }) }),
      'INVALID_SIGNATURE',
    )
    await expect(sign({ scheme, payload: body, secret: SECRET, id: 'msg.1' })).rejects.toThrow(
      TypeError,
    )
  })

  it.each(['hello', '1614265330abc', '-1', '1.5e9', ''])(
    'INVALID_TIMESTAMP (or MISSING_HEADER when blank) for %j',
    async (ts) => {
      await expectCode(
        verify({ ...base, payload: body, headers: headers({ ts }) }),
        ts === '' ? 'MISSING_HEADER' : 'INVALID_TIMESTAMP',
      )
    },
  )

  it('enforces 300 s both ways: ±300 passes, ±301 is TIMESTAMP_EXPIRED', async () => {
    for (const ts of [NOW_S - 300, NOW_S + 300]) {
      await expect(
        verify({ ...base, payload: body, headers: headers({ ts: String(ts) }) }),
      ).resolves.toEqual(event)
    }
    for (const ts of [NOW_S - 301, NOW_S + 301]) {
      await expectCode(
        verify({ ...base, payload: body, headers: headers({ ts: String(ts) }) }),
        'TIMESTAMP_EXPIRED',
      )
    }
  })

  it('rejects a wrong secret, a tampered body, id or timestamp', async () => {
    const other = `whsec_${Buffer.from('another key of 24 bytes!').toString('base64')}`
    await expectCode(
      verify({ ...base, secret: other, payload: body, headers: headers() }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verify({ ...base, payload: body.replace('c_1', 'c_2'), headers: headers() }),
      'INVALID_SIGNATURE',
    )
    const h = headers()
    await expectCode(
      verify({ ...base, payload: body, headers: { ...h, 'webhook-id': 'msg_other' } }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verify({ ...base, payload: body, headers: { ...h, 'webhook-timestamp': String(NOW_S + 1) } }),
      'INVALID_SIGNATURE',
    )
  })
})

describe('standard-webhooks: secrets', () => {
  it('treats whsec_<b64>, the bare base64 and the raw bytes as the same HMAC key', async () => {
    for (const secret of [SECRET, KEY.toString('base64'), new Uint8Array(KEY)]) {
      await expect(verify({ ...base, secret, payload: body, headers: headers() })).resolves.toEqual(
        event,
      )
    }
  })

  it('decodes a bare string as base64 rather than using its UTF-8 bytes', async () => {
    const bare = 'c2VjcmV0LWtleS0yNC1ieXRlcy1sb25nISE=' // valid base64 and plausible text
    const content = `${ID}.${NOW_S}.${body}`
    const asBytes = v1(content, Buffer.from(bare, 'base64'))
    const asText = v1(content, Buffer.from(bare, 'utf8'))
    await expect(
      verify({ ...base, secret: bare, payload: body, headers: headers({ sig: asBytes }) }),
    ).resolves.toEqual(event)
    await expectCode(
      verify({ ...base, secret: bare, payload: body, headers: headers({ sig: asText }) }),
      'INVALID_SIGNATURE',
    )
    // Not base64 at all: a TypeError naming the fix, before any request is read.
    await expect(
      verify({ ...base, secret: 'my-literal-secret', payload: body, headers: headers() }),
    ).rejects.toThrow(/base64/)
  })

  it.each([
    ['whsec_ with nothing after it', 'whsec_'],
    ['whsec_ with bad base64', 'whsec_not base64!'],
    ['a whpk_ of the wrong length', `whpk_${Buffer.alloc(31).toString('base64')}`],
    ['a whsk_ of the wrong length', `whsk_${Buffer.alloc(48).toString('base64')}`],
    ['a whsk_ signing key, which cannot verify', `whsk_${Buffer.alloc(32).toString('base64')}`],
  ])('verify throws TypeError for %s, without echoing it', async (_name, secret) => {
    const error = await verify({ ...base, secret, payload: body, headers: headers() }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(TypeError)
    if (secret.length > 6) expect((error as Error).message).not.toContain(secret.slice(5))
  })

  it('exposes the key derivation for custom schemes', () => {
    expect(standardWebhooksKey(SECRET)).toEqual(new Uint8Array(KEY))
    const pair = ed25519Pair()
    expect(standardWebhooksKey(pair.whpk)).toEqual({
      type: 'ed25519-public',
      key: new Uint8Array(pair.pub),
    })
    expect(standardWebhooksKey(pair.whsk64)).toMatchObject({ type: 'ed25519-private' })
  })
})

describe('standard-webhooks: sign', () => {
  it('signs what an independent HMAC computes, with the given id and timestamp', async () => {
    const h = await sign({ scheme, payload: body, secret: SECRET, id: ID, timestamp: NOW_S })
    expect(h).toEqual(headers())
  })

  it('generates a msg_ id when none is given, and writes svix-* under the svix name', async () => {
    const h = await sign({ scheme: 'svix', payload: body, secret: SECRET, timestamp: NOW_S })
    expect(h['svix-id']).toMatch(/^msg_[0-9a-f]{24}$/)
    expect(Object.keys(h).sort()).toEqual(['svix-id', 'svix-signature', 'svix-timestamp'])
    await expect(verify({ ...base, payload: body, headers: h })).resolves.toEqual(event)
  })
})

describe('standard-webhooks: v1a (Ed25519)', () => {
  it('verifies a signature made by node:crypto with the whpk_ public key', async () => {
    const pair = ed25519Pair()
    const sig = `v1a,${pair.sign(`${ID}.${NOW_S}.${body}`)}`
    await expect(
      verify({ ...base, secret: pair.whpk, payload: body, headers: headers({ sig }) }),
    ).resolves.toEqual(event)
  })

  it('signs with whsk_ (32 or 64 bytes) and the signature checks out in node:crypto', async () => {
    const pair = ed25519Pair()
    for (const secret of [pair.whsk, pair.whsk64]) {
      const h = await sign({ scheme, payload: body, secret, id: ID, timestamp: NOW_S })
      const [version, value] = (h['webhook-signature'] as string).split(',')
      expect(version).toBe('v1a')
      const content = Buffer.from(`${ID}.${NOW_S}.${body}`)
      expect(
        nodeVerify(null, content, pair.publicKey, Buffer.from(value as string, 'base64')),
      ).toBe(true)
      await expect(
        verify({ ...base, secret: pair.whpk, payload: body, headers: h }),
      ).resolves.toEqual(event)
    }
  })

  it('refuses to sign with a public key or a whsk_ whose halves do not match', async () => {
    const a = ed25519Pair()
    const b = ed25519Pair()
    await expect(sign({ scheme, payload: body, secret: a.whpk })).rejects.toThrow(TypeError)
    const mixed = `whsk_${Buffer.concat([a.seed, b.pub]).toString('base64')}`
    await expect(sign({ scheme, payload: body, secret: mixed })).rejects.toThrow(TypeError)
  })

  it('rotates between HMAC and Ed25519 keys in one list', async () => {
    const pair = ed25519Pair()
    const secret = [SECRET, pair.whpk]
    const byHmac = await sign({ scheme, payload: body, secret: SECRET, id: ID, timestamp: NOW_S })
    const byEd = await sign({ scheme, payload: body, secret: pair.whsk, id: ID, timestamp: NOW_S })
    await expect(verify({ ...base, secret, payload: body, headers: byHmac })).resolves.toEqual(
      event,
    )
    await expect(verify({ ...base, secret, payload: body, headers: byEd })).resolves.toEqual(event)
    // Both signatures in one header, as a sender mid-migration sends them.
    const both = {
      ...byHmac,
      'webhook-signature': `${byEd['webhook-signature']} ${byHmac['webhook-signature']}`,
    }
    await expect(
      verify({ ...base, secret: pair.whpk, payload: body, headers: both }),
    ).resolves.toEqual(event)
    await expect(verify({ ...base, payload: body, headers: both })).resolves.toEqual(event)
  })

  it('fails for tampering, another key, and a v1a checked against an HMAC secret', async () => {
    const pair = ed25519Pair()
    const h = await sign({ scheme, payload: body, secret: pair.whsk, id: ID, timestamp: NOW_S })
    await expectCode(
      verify({ ...base, secret: pair.whpk, payload: `${body} `, headers: h }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verify({
        ...base,
        secret: pair.whpk,
        payload: body,
        headers: { ...h, 'webhook-id': 'msg_x' },
      }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verify({ ...base, secret: ed25519Pair().whpk, payload: body, headers: h }),
      'INVALID_SIGNATURE',
    )
    await expectCode(verify({ ...base, payload: body, headers: h }), 'INVALID_SIGNATURE')
    const flipped = Buffer.from((h['webhook-signature'] as string).slice(4), 'base64')
    flipped[10] = (flipped[10] as number) ^ 1
    await expectCode(
      verify({
        ...base,
        secret: pair.whpk,
        payload: body,
        headers: { ...h, 'webhook-signature': `v1a,${flipped.toString('base64')}` },
      }),
      'INVALID_SIGNATURE',
    )
  })

  it('treats an invalid public-key point or a garbage signature as no match, never a throw', async () => {
    // 0x02 followed by zeros is not a point on the curve.
    const bogus = `whpk_${Buffer.concat([Buffer.from([2]), Buffer.alloc(31)]).toString('base64')}`
    const sig = `v1a,${Buffer.alloc(64, 0xff).toString('base64')}`
    for (const secret of [bogus, ed25519Pair().whpk]) {
      await expectCode(
        verify({ ...base, secret, payload: body, headers: headers({ sig }) }),
        'INVALID_SIGNATURE',
      )
    }
  })
})
