// Mailgun signs fields inside the body: timestamp + token, hex HMAC-SHA256 with the webhook
// signing key. Mailgun's JavaScript SDK (mailgun.js) has no verify helper; its PHP SDK does, and
// its test vector is the published example here. The kit's signer follows Mailgun's documented
// recipe and is checked against that vector (test kit, signers.test.ts).
import { explain, MemoryIdempotencyStore, sign, verify, verifyWebhook } from '@hookguard/core'
import { createReceiver } from '@hookguard/core/adapter'
import { mailgunJson, NOW, NOW_S, OTHER_SECRET, SECRET, signMailgun } from '@hookguard/test-kit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { codeOf } from './codes.js'

const scheme = 'mailgun' as const
const json = { 'content-type': 'application/json' }
const form = { 'content-type': 'application/x-www-form-urlencoded' }
const base = { scheme, secret: SECRET, now: NOW, headers: json }

const delivered = { event: 'delivered', id: 'CPgfbmQMTCKtHW6uIWtuVe', recipient: 'a@example.com' }

describe("mailgun: the published example (mailgun-php's WebhookTest vector)", () => {
  const key = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0'
  const timestamp = '1403645220'
  const signature = '9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33'
  const at = new Date(1403645220 * 1000)

  it('verifies as a JSON webhook and as form fields; the token is the id', async () => {
    const token = '5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6'
    const payload = JSON.stringify({
      signature: { timestamp, token, signature },
      'event-data': delivered,
    })
    const webhook = await verifyWebhook({ scheme, secret: key, now: at, payload, headers: json })
    expect([webhook.id, webhook.type]).toEqual([token, 'delivered'])
    expect(webhook.event).toEqual(JSON.parse(payload))

    const fields = new URLSearchParams({ event: 'delivered', timestamp, token, signature })
    const legacy = await verifyWebhook({
      scheme,
      secret: key,
      now: at,
      payload: fields.toString(),
      headers: form,
    })
    expect([legacy.id, legacy.type]).toEqual([token, 'delivered'])
    expect(legacy.event).toMatchObject({ event: 'delivered', token })
  })

  it("rejects the SDK's bad case: another token under the same signature", async () => {
    const token = 'owyldpe6nxhmrn78epljl6bj0orrki1u3d2v5e6cnlmmuox8jr'
    const payload = JSON.stringify({
      signature: { timestamp, token, signature },
      'event-data': delivered,
    })
    expect(await codeOf(verify({ scheme, secret: key, now: at, payload, headers: json }))).toBe(
      'INVALID_SIGNATURE',
    )
  })
})

describe('mailgun: round trips', () => {
  const token = fc.stringMatching(/^[a-z0-9]{50}$/)

  it("Mailgun's recipe signs any body → hookguard verifies; hookguard's sign() writes the same fields", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), token, async (eventData, t) => {
        const fields = signMailgun({ token: t })
        const payload = mailgunJson(eventData, fields)
        const webhook = await verifyWebhook({ ...base, payload })
        expect(webhook.id).toBe(t)
        expect(webhook.event).toEqual(JSON.parse(payload))
        const signed = await sign({ scheme, secret: SECRET, payload, timestamp: NOW_S, id: t })
        expect(signed).toEqual(fields)
      }),
      { numRuns: 40 },
    )
  })

  it('form bodies (route forwards, legacy webhooks) with any fields', async () => {
    const extra = fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,10}$/), fc.string(), {
      maxKeys: 6,
    })
    await fc.assert(
      fc.asyncProperty(extra, token, async (fields, t) => {
        const signature = signMailgun({ token: t })
        const params = new URLSearchParams({ ...fields })
        for (const [name, value] of Object.entries(signature)) params.append(name, value)
        const webhook = await verifyWebhook({ ...base, headers: form, payload: params.toString() })
        expect(webhook.id).toBe(t)
      }),
      { numRuns: 40 },
    )
  })

  it("sign() makes a token when none is given: 50 characters, as Mailgun's", async () => {
    const fields = await sign({ scheme, secret: SECRET, payload: '{}', timestamp: NOW_S })
    expect(fields.token).toMatch(/^[0-9a-f]{50}$/)
    const payload = mailgunJson(delivered, {
      timestamp: fields.timestamp as string,
      token: fields.token as string,
      signature: fields.signature as string,
    })
    expect(await codeOf(verify({ ...base, payload }))).toBe('resolved')
  })
})

describe('mailgun: what is signed and what is not', () => {
  it('rejects another signing key, a changed token or timestamp, a missing field', async () => {
    const fields = signMailgun()
    const payload = mailgunJson(delivered, fields)
    expect(await codeOf(verify({ ...base, secret: OTHER_SECRET, payload }))).toBe(
      'INVALID_SIGNATURE',
    )
    const changed = (patch: object) => mailgunJson(delivered, { ...fields, ...patch })
    expect(await codeOf(verify({ ...base, payload: changed({ token: `${fields.token}x` }) }))).toBe(
      'INVALID_SIGNATURE',
    )
    expect(
      await codeOf(verify({ ...base, payload: changed({ timestamp: String(NOW_S - 1) }) })),
    ).toBe('INVALID_SIGNATURE')
    for (const name of ['timestamp', 'token', 'signature']) {
      const partial: Record<string, string> = { ...fields }
      delete partial[name]
      const error = await verify({
        ...base,
        payload: mailgunJson(delivered, partial as never),
      }).catch((e: unknown) => e as Error & { code: string })
      expect(error).toMatchObject({ code: 'MISSING_HEADER' })
      expect(String((error as Error).message)).toContain(`signature.${name}`)
    }
    expect(
      await codeOf(verify({ ...base, payload: JSON.stringify({ 'event-data': delivered }) })),
    ).toBe('MISSING_HEADER')
  })

  it('a body that is not JSON or form fields, or a multipart one, is INVALID_SIGNATURE', async () => {
    expect(await codeOf(verify({ ...base, payload: '{"signature":' }))).toBe('INVALID_SIGNATURE')
    const multipart = { 'content-type': 'multipart/form-data; boundary=x' }
    expect(await codeOf(verify({ ...base, headers: multipart, payload: '--x--' }))).toBe(
      'INVALID_SIGNATURE',
    )
  })

  it("the window is Mailgun's 8 hours of retries, either way", async () => {
    const at = (timestamp: number) => mailgunJson(delivered, signMailgun({ timestamp }))
    expect(await codeOf(verify({ ...base, payload: at(NOW_S - 8 * 3600) }))).toBe('resolved')
    expect(await codeOf(verify({ ...base, payload: at(NOW_S - 8 * 3600 - 1) }))).toBe(
      'TIMESTAMP_EXPIRED',
    )
    expect(await codeOf(verify({ ...base, payload: at(NOW_S + 8 * 3600 + 1) }))).toBe(
      'TIMESTAMP_EXPIRED',
    )
  })

  it("a subaccount's event verifies with the primary account's key (parent-signature)", async () => {
    const own = signMailgun({ secret: 'subaccount-key' })
    const parent = signMailgun({ secret: SECRET, token: own.token })
    const payload = mailgunJson(delivered, {
      ...own,
      'parent-signature': parent.signature,
    } as never)
    expect(await codeOf(verify({ ...base, payload }))).toBe('resolved')
    expect(await codeOf(verify({ ...base, secret: 'subaccount-key', payload }))).toBe('resolved')
    expect(await codeOf(verify({ ...base, secret: OTHER_SECRET, payload }))).toBe(
      'INVALID_SIGNATURE',
    )
  })

  it("form bodies: Mailgun's own field is the last of a repeated name (a user variable comes first)", async () => {
    const fields = signMailgun()
    const params = new URLSearchParams([
      ['event', 'opened'],
      ['token', 'a user variable called token'],
      ['timestamp', fields.timestamp],
      ['token', fields.token],
      ['signature', fields.signature],
      ['event', 'a user variable called event'],
    ])
    const webhook = await verifyWebhook({ ...base, headers: form, payload: params.toString() })
    expect([webhook.id, webhook.type]).toEqual([fields.token, 'opened'])
    expect((webhook.event as Record<string, unknown>).token).toEqual([
      'a user variable called token',
      fields.token,
    ])
  })

  it('the body is not signed: verify alone accepts a captured signature with another event; a store keyed on the token refuses it', async () => {
    const fields = signMailgun()
    const original = mailgunJson(delivered, fields)
    const forged = mailgunJson({ ...delivered, event: 'complained' }, fields)
    expect(await codeOf(verify({ ...base, payload: forged }))).toBe('resolved')

    const ran: string[] = []
    const receiver = createReceiver({
      scheme,
      secret: SECRET,
      now: NOW,
      ack: 'after',
      store: new MemoryIdempotencyStore(),
      on: { '*': (event) => void ran.push(JSON.stringify(event)) },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    })
    const first = await receiver.receive({ payload: original, headers: json })
    const again = await receiver.receive({ payload: original, headers: json })
    const replay = await receiver.receive({ payload: forged, headers: json })
    expect([first, again, replay].map((o) => (o.action === 'respond' ? o.status : 'next'))).toEqual(
      [200, 200, 422],
    )
    expect(again).toMatchObject({ body: { duplicate: true } })
    expect(ran).toEqual([original])
    await receiver.close()
  })
})

describe('mailgun: explain', () => {
  const findings = async (input: Parameters<typeof explain>[0]) => {
    const { verdict, findings: found } = await explain(input)
    return { verdict, codes: found.map((f) => f.code) }
  }

  it("judges the timestamp by Mailgun's 8-hour window, as verify does", async () => {
    const hourOld = mailgunJson(delivered, signMailgun({ timestamp: NOW_S - 3600 }))
    expect(await findings({ ...base, payload: hourOld })).toEqual({ verdict: 'valid', codes: [] })
    const dayOld = mailgunJson(delivered, signMailgun({ timestamp: NOW_S - 86_400 }))
    expect(await findings({ ...base, payload: dayOld })).toMatchObject({
      verdict: 'invalid',
      codes: ['TIMESTAMP_STALE'],
    })
  })

  it('reads the signature from the body: another key is a secret mismatch, none is a missing field', async () => {
    const payload = mailgunJson(
      delivered,
      signMailgun({ secret: 'the-api-key-not-the-signing-key' }),
    )
    expect((await findings({ ...base, payload })).codes).toContain('SECRET_MISMATCH')
    const unsigned = JSON.stringify({ 'event-data': delivered })
    expect((await findings({ ...base, payload: unsigned })).codes).toEqual(['HEADER_MISSING'])
  })
})
