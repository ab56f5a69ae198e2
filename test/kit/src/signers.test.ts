import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { BODY, NOW_S, SECRET, STANDARD_WEBHOOKS_SECRET } from './index.js'
import { octokit, StandardWebhook, Stripe, SvixWebhook } from './senders.js'
import {
  ed25519Pair,
  signers,
  signGithub,
  signHookguard,
  signMailgun,
  signShopify,
  signSlack,
  signStandardWebhooks,
  signStripe,
  signSvix,
  slackForm,
} from './signers/index.js'

// The kit's signers are what every other test trusts, so each is checked here against the
// sender's own library or a published vector, never against hookguard.

describe('kit signers agree with the senders', () => {
  it('standard-webhooks: the spec suite vector, and the reference library verifies ours', () => {
    const headers = signStandardWebhooks('{"test": 2432232314}', {
      secret: STANDARD_WEBHOOKS_SECRET,
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
    })
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
    const ours = signStandardWebhooks(BODY, { timestamp: Math.floor(Date.now() / 1000) })
    expect(new StandardWebhook(STANDARD_WEBHOOKS_SECRET).verify(BODY, ours)).toEqual(
      JSON.parse(BODY),
    )
  })

  it('svix: the Svix library verifies our svix-* headers', () => {
    const ours = signSvix(BODY, { timestamp: Math.floor(Date.now() / 1000), id: 'msg_1' })
    expect(Object.keys(ours).sort()).toEqual(['svix-id', 'svix-signature', 'svix-timestamp'])
    const svix = new SvixWebhook(STANDARD_WEBHOOKS_SECRET)
    expect(() => svix.verify(BODY, ours)).not.toThrow()
    expect(() => svix.verify(`${BODY} `, ours)).toThrow()
  })

  it('standard-webhooks v1a: node:crypto verifies the Ed25519 signature over id.timestamp.body', async () => {
    const { verify } = await import('node:crypto')
    const pair = ed25519Pair()
    const headers = signStandardWebhooks(BODY, { ed25519: pair, id: 'msg_2' })
    const [version, signature = ''] = (headers['webhook-signature'] ?? '').split(',')
    expect(version).toBe('v1a')
    const content = Buffer.from(`msg_2.${NOW_S}.${BODY}`)
    expect(verify(null, content, pair.publicKey, Buffer.from(signature, 'base64'))).toBe(true)
    expect(pair.sign(content)).toBe(signature)
  })

  it('stripe: stripe-node constructs the event from our header', () => {
    const header = signStripe(BODY, { timestamp: NOW_S })['stripe-signature'] ?? ''
    const expected = Stripe.webhooks.generateTestHeaderString({
      payload: BODY,
      secret: SECRET,
      timestamp: NOW_S,
    })
    expect(header).toBe(expected)
    const event = Stripe.webhooks.constructEvent(BODY, header, SECRET, 300, undefined, NOW_S)
    expect(event.id).toBe('evt_1')
  })

  it('github: @octokit/webhooks-methods verifies ours, and signs the same', async () => {
    const headers = signGithub(BODY, { id: 'd-1', event: 'issues' })
    expect(headers['x-github-delivery']).toBe('d-1')
    expect(headers['x-github-event']).toBe('issues')
    expect(await octokit.verify(SECRET, BODY, headers['x-hub-signature-256'] ?? '')).toBe(true)
    expect(await octokit.sign(SECRET, BODY)).toBe(headers['x-hub-signature-256'])
  })

  // Slack and Shopify publish no library small enough to install for this; their recipes are
  // one line each, spelled out here from their docs as a second, separate reading.
  it('slack: v0= hex HMAC of "v0:ts:body", JSON and form bodies with their content types', () => {
    const form = slackForm({ command: '/deploy', text: 'a b&c', payload: { type: 'x' } })
    expect(new URLSearchParams(form).get('text')).toBe('a b&c')
    expect(JSON.parse(new URLSearchParams(form).get('payload') ?? '')).toEqual({ type: 'x' })
    for (const [body, type] of [
      [BODY, 'application/json'],
      [form, 'application/x-www-form-urlencoded'],
    ] as const) {
      const headers = signSlack(body)
      const base = `v0:${NOW_S}:${body}`
      expect(headers['x-slack-signature']).toBe(
        `v0=${createHmac('sha256', SECRET).update(base).digest('hex')}`,
      )
      expect(headers['x-slack-request-timestamp']).toBe(String(NOW_S))
      expect(headers['content-type']).toBe(type)
    }
  })

  it('shopify: base64 HMAC of the body, plus webhook id and topic', () => {
    const headers = signShopify(BODY, { id: 'wh_1', topic: 'orders/paid' })
    expect(headers).toEqual({
      'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(BODY).digest('base64'),
      'x-shopify-webhook-id': 'wh_1',
      'x-shopify-topic': 'orders/paid',
    })
  })

  it('hookguard: v1= hex HMAC of "ts.body", over bytes as given', () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x7b])
    const headers = signHookguard(bytes, { timestamp: 12 })
    const expected = createHmac('sha256', SECRET).update('12.').update(bytes).digest('hex')
    expect(headers).toEqual({
      'x-webhook-timestamp': '12',
      'x-webhook-signature': `v1=${expected}`,
    })
  })

  it("mailgun: the vector in Mailgun's own PHP SDK tests (mailgun-php WebhookTest)", () => {
    const fields = signMailgun({
      secret: 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
      timestamp: 1403645220,
      token: '5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6',
    })
    expect(fields.signature).toBe(
      '9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33',
    )
  })

  it('signers has one entry per built-in scheme', () => {
    expect(Object.keys(signers).sort()).toEqual(
      ['github', 'hookguard', 'shopify', 'slack', 'standard-webhooks', 'stripe', 'svix'].sort(),
    )
  })
})
