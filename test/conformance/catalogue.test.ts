// The body-HMAC senders, each against an independent node:crypto signer built from its docs
// (test kit), with hookguard's sign() reproducing the sender's header, and the negative cases.
import { sign, verify, verifyWebhook } from '@hookguard/core'
import {
  NOW,
  NOW_S,
  OTHER_SECRET,
  SECRET,
  signCalendly,
  signCoinbase,
  signGitlab,
  signHubspot,
  signIntercom,
  signLemonSqueezy,
  signLinear,
  signMeta,
  signShopify,
  signSvix,
  signTypeform,
  signVercel,
  signZoom,
} from '@hookguard/test-kit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'
import { codeOf } from './codes.js'

const hubspotUrl = 'https://example.com/hubspot?portal=1'

interface Sender {
  scheme: Parameters<typeof verify>[0]['scheme'] & string
  sign: (body: string, secret?: string) => Record<string, string>
  /** The header whose absence is MISSING_HEADER. */
  required: string
  url?: string
  /** The header `sign()` must reproduce exactly. */
  reproduces?: string
  /** GitLab's token covers no bytes: a changed body still carries the right token. */
  signsBody?: false
  /** A body of the sender's shape (Linear signs a timestamp inside it). */
  body?: (data: string) => string
}

const senders: Sender[] = [
  {
    scheme: 'linear',
    sign: signLinear,
    required: 'linear-signature',
    reproduces: 'linear-signature',
    body: (data) =>
      JSON.stringify({
        type: 'Issue',
        action: 'create',
        webhookTimestamp: NOW.getTime(),
        data: JSON.parse(data),
      }),
  },
  {
    scheme: 'gitlab',
    sign: signGitlab,
    required: 'x-gitlab-token',
    reproduces: 'x-gitlab-token',
    signsBody: false,
  },
  {
    scheme: 'lemonsqueezy',
    sign: signLemonSqueezy,
    required: 'x-signature',
    reproduces: 'x-signature',
  },
  {
    scheme: 'typeform',
    sign: signTypeform,
    required: 'typeform-signature',
    reproduces: 'typeform-signature',
  },
  {
    scheme: 'coinbase',
    sign: signCoinbase,
    required: 'x-cc-webhook-signature',
    reproduces: 'x-cc-webhook-signature',
  },
  {
    scheme: 'intercom',
    sign: signIntercom,
    required: 'x-hub-signature',
    reproduces: 'x-hub-signature',
  },
  {
    scheme: 'vercel',
    sign: signVercel,
    required: 'x-vercel-signature',
    reproduces: 'x-vercel-signature',
  },
  {
    scheme: 'meta',
    sign: signMeta,
    required: 'x-hub-signature-256',
    reproduces: 'x-hub-signature-256',
  },
  {
    scheme: 'calendly',
    sign: signCalendly,
    required: 'calendly-webhook-signature',
    reproduces: 'calendly-webhook-signature',
  },
  { scheme: 'zoom', sign: signZoom, required: 'x-zm-signature', reproduces: 'x-zm-signature' },
  {
    scheme: 'hubspot',
    sign: (body, secret) => signHubspot(body, hubspotUrl, secret),
    required: 'x-hubspot-signature-v3',
    url: hubspotUrl,
    reproduces: 'x-hubspot-signature-v3',
  },
]

describe.each(senders)(
  '$scheme',
  ({ scheme, sign: kitSign, required, url, reproduces, signsBody, body = (d) => d }) => {
    const base = { scheme, secret: SECRET, now: NOW, ...(url === undefined ? {} : { url }) }

    it("the sender's signature verifies; hookguard's sign() writes the same header", async () => {
      await fc.assert(
        fc.asyncProperty(jsonBody, async (data) => {
          const payload = body(data)
          const headers = kitSign(payload)
          expect(await verify({ ...base, payload, headers })).toEqual(JSON.parse(payload))
          if (reproduces !== undefined) {
            const signed = await sign({
              scheme,
              secret: SECRET,
              payload,
              timestamp: NOW_S,
              ...(url ? { url } : {}),
            })
            expect(signed[reproduces]).toBe(headers[reproduces])
          }
        }),
        { numRuns: 15 },
      )
    })

    it('rejects a tampered body, another secret and a missing signature', async () => {
      const payload = body('{"n":1}')
      const headers = kitSign(payload)
      const tampered = payload.replace('"n":1', '"n":2')
      expect(await codeOf(verify({ ...base, payload: tampered, headers }))).toBe(
        signsBody === false ? 'resolved' : 'INVALID_SIGNATURE',
      )
      expect(await codeOf(verify({ ...base, secret: OTHER_SECRET, payload, headers }))).toBe(
        'INVALID_SIGNATURE',
      )
      const partial = { ...headers }
      delete partial[required]
      expect(await codeOf(verify({ ...base, payload, headers: partial }))).toBe('MISSING_HEADER')
    })
  },
)

describe('replay windows', () => {
  /** What `verify` makes of `payload` under `headers` on the fixed clock (`url` for HubSpot). */
  const verdict = (
    scheme: Sender['scheme'],
    payload: string,
    headers: Record<string, string>,
    url?: string,
  ) =>
    codeOf(
      verify({
        scheme,
        secret: SECRET,
        now: NOW,
        ...(url === undefined ? {} : { url }),
        payload,
        headers,
      }),
    )

  it("linear: webhookTimestamp (ms) within Linear's 60 s", async () => {
    const at = (ms: number) =>
      JSON.stringify({ type: 'Issue', action: 'update', webhookTimestamp: ms })
    const fresh = at(NOW.getTime() - 59_000)
    const stale = at(NOW.getTime() - 61_000)
    expect(await verdict('linear', fresh, signLinear(fresh))).toBe('resolved')
    expect(await verdict('linear', stale, signLinear(stale))).toBe('TIMESTAMP_EXPIRED')
    const none = '{"type":"Issue"}'
    expect(await verdict('linear', none, signLinear(none))).toBe('TIMESTAMP_EXPIRED')
  })

  it.each([
    ['calendly', (b: string, t: number) => signCalendly(b, SECRET, t), 180],
    ['zoom', (b: string, t: number) => signZoom(b, SECRET, t), 300],
  ] as const)('%s: %ss', async (scheme, signAt, window) => {
    const payload = '{"event":"x"}'
    expect(await verdict(scheme, payload, signAt(payload, NOW_S - window))).toBe('resolved')
    expect(await verdict(scheme, payload, signAt(payload, NOW_S - window - 1))).toBe(
      'TIMESTAMP_EXPIRED',
    )
  })

  it('hubspot: X-HubSpot-Request-Timestamp in ms, 5 minutes', async () => {
    const payload = '[{"eventId":1,"subscriptionType":"contact.creation"}]'
    const old = signHubspot(payload, hubspotUrl, SECRET, (NOW_S - 301) * 1000)
    expect(await verdict('hubspot', payload, old, hubspotUrl)).toBe('TIMESTAMP_EXPIRED')
  })
})

describe('ids and types as each sender sends them', () => {
  it.each([
    [
      'gitlab',
      '{"object_kind":"merge_request"}',
      signGitlab,
      ['13792a34-cac6-4fda-95a8-c58e00a3954e', 'merge_request'],
    ],
    [
      'lemonsqueezy',
      '{"meta":{"event_name":"order_created"}}',
      signLemonSqueezy,
      [undefined, 'order_created'],
    ],
    [
      'typeform',
      '{"event_id":"01H","event_type":"form_response"}',
      signTypeform,
      ['01H', 'form_response'],
    ],
    [
      'coinbase',
      '{"event":{"id":"e1","type":"charge:confirmed"}}',
      signCoinbase,
      ['e1', 'charge:confirmed'],
    ],
    [
      'intercom',
      '{"id":"notif_1","topic":"conversation.user.created"}',
      signIntercom,
      ['notif_1', 'conversation.user.created'],
    ],
    [
      'vercel',
      '{"id":"evt_v","type":"deployment.created"}',
      signVercel,
      ['evt_v', 'deployment.created'],
    ],
    [
      'meta',
      '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages"}]}]}',
      signMeta,
      [undefined, 'whatsapp_business_account.messages'],
    ],
    ['zoom', '{"event":"meeting.started"}', signZoom, [undefined, 'meeting.started']],
  ] as const)('%s', async (scheme, payload, kitSign, expected) => {
    const webhook = await verifyWebhook({
      scheme,
      secret: SECRET,
      now: NOW,
      payload,
      headers: kitSign(payload),
    })
    expect([webhook.id, webhook.type]).toEqual(expected)
  })
})

describe('shopify: the newer Shopify-* header names alone', () => {
  it('verifies, with the id and topic from Shopify-Webhook-Id and Shopify-Topic', async () => {
    const payload = '{"id":1}'
    const old = signShopify(payload, { id: 'wh-1', topic: 'orders/paid' })
    const headers = {
      'shopify-hmac-sha256': old['x-shopify-hmac-sha256'],
      'shopify-webhook-id': 'wh-1',
      'shopify-topic': 'orders/paid',
    }
    const webhook = await verifyWebhook({ scheme: 'shopify', secret: SECRET, payload, headers })
    expect([webhook.id, webhook.type]).toEqual(['wh-1', 'orders.paid'])
  })
})

describe('Svix-based senders under their published header names', () => {
  // Clerk (clerk.com/docs/webhooks/sync-data) and Resend (resend.com/docs/dashboard/webhooks/verify-webhooks-requests)
  // deliver through Svix: svix-id, svix-timestamp, svix-signature, with a whsec_ secret.
  it.each(['clerk', 'resend'])('%s: scheme svix (and standard-webhooks) verify', async () => {
    const payload = '{"type":"user.created","data":{"id":"user_1"}}'
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const headers = signSvix(payload, { secret, id: 'msg_2aB', timestamp: NOW_S })
    expect(Object.keys(headers).sort()).toEqual(['svix-id', 'svix-signature', 'svix-timestamp'])
    for (const scheme of ['svix', 'standard-webhooks'] as const) {
      const webhook = await verifyWebhook({ scheme, secret, now: NOW, payload, headers })
      expect([webhook.id, webhook.type]).toEqual(['msg_2aB', 'user.created'])
    }
  })
})
