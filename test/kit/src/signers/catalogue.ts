import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import { NOW_S, SECRET } from '../constants.js'

const mac = (
  hash: 'sha1' | 'sha256',
  key: string | Uint8Array,
  ...parts: Array<string | Uint8Array>
): Buffer => {
  const h = createHmac(hash, key)
  for (const part of parts) h.update(part)
  return h.digest()
}

type Body = string | Uint8Array

/** Linear (linear.app/developers/webhooks): hex HMAC-SHA256 of the body in `Linear-Signature`. */
export const signLinear = (body: Body, secret: string = SECRET) => ({
  'linear-signature': mac('sha256', secret, body).toString('hex'),
  'linear-delivery': '9f1e2d3c-0000-4000-8000-000000000001',
})

/** GitLab (docs.gitlab.com, webhooks): the secret token itself in `X-Gitlab-Token`. */
export const signGitlab = (_body: Body, secret: string = SECRET) => ({
  'x-gitlab-token': secret,
  'x-gitlab-event-uuid': '13792a34-cac6-4fda-95a8-c58e00a3954e',
})

/** Lemon Squeezy (docs.lemonsqueezy.com, signing requests): hex HMAC-SHA256 in `X-Signature`. */
export const signLemonSqueezy = (body: Body, secret: string = SECRET) => ({
  'x-signature': mac('sha256', secret, body).toString('hex'),
  'x-event-name': 'order_created',
})

/** Typeform (typeform.com/developers, secure your webhooks): `sha256=` + base64 HMAC-SHA256. */
export const signTypeform = (body: Body, secret: string = SECRET) => ({
  'typeform-signature': `sha256=${mac('sha256', secret, body).toString('base64')}`,
})

/** Coinbase Commerce: hex HMAC-SHA256 of the body in `X-CC-Webhook-Signature`. */
export const signCoinbase = (body: Body, secret: string = SECRET) => ({
  'x-cc-webhook-signature': mac('sha256', secret, body).toString('hex'),
})

/** Intercom (developers.intercom.com, webhooks): `sha1=` + hex HMAC-SHA1 in `X-Hub-Signature`. */
export const signIntercom = (body: Body, secret: string = SECRET) => ({
  'x-hub-signature': `sha1=${mac('sha1', secret, body).toString('hex')}`,
})

/** Vercel (vercel.com/docs/webhooks, securing webhooks): hex HMAC-SHA1 in `x-vercel-signature`. */
export const signVercel = (body: Body, secret: string = SECRET) => ({
  'x-vercel-signature': mac('sha1', secret, body).toString('hex'),
})

/** Meta (developers.facebook.com, webhooks): `sha256=` + hex HMAC-SHA256 in `X-Hub-Signature-256`. */
export const signMeta = (body: Body, secret: string = SECRET) => ({
  'x-hub-signature-256': `sha256=${mac('sha256', secret, body).toString('hex')}`,
})

/** Calendly (developer.calendly.com, webhook signatures): `t=<s>,v1=<hex HMAC of "t.body">`. */
export const signCalendly = (body: Body, secret: string = SECRET, t: number = NOW_S) => ({
  'calendly-webhook-signature': `t=${t},v1=${mac('sha256', secret, `${t}.`, body).toString('hex')}`,
})

/** Zoom (developers.zoom.us, webhooks): `v0=` + hex HMAC-SHA256 of `v0:<ts>:<body>`. */
export const signZoom = (body: Body, secret: string = SECRET, ts: number = NOW_S) => ({
  'x-zm-request-timestamp': String(ts),
  'x-zm-signature': `v0=${mac('sha256', secret, `v0:${ts}:`, body).toString('hex')}`,
})

/** Twitch EventSub (dev.twitch.tv, handling webhook events): `sha256=` + hex HMAC of id + time + body. */
export const signTwitch = (
  body: Body,
  options: { secret?: string; id?: string; time?: string; type?: string } = {},
) => {
  const id = options.id ?? 'e76c6bd4-55c9-4987-8304-da1588d8988b'
  const time = options.time ?? new Date(NOW_S * 1000).toISOString().replace('Z', '123456Z')
  return {
    'twitch-eventsub-message-id': id,
    'twitch-eventsub-message-timestamp': time,
    'twitch-eventsub-message-signature': `sha256=${mac('sha256', options.secret ?? SECRET, id, time, body).toString('hex')}`,
    'twitch-eventsub-message-type': options.type ?? 'notification',
  }
}

/** HubSpot v3 (developers.hubspot.com, validating requests): base64 HMAC of POST + URL + body + ms. */
export const signHubspot = (
  body: Body,
  url: string,
  secret: string = SECRET,
  ms: number = NOW_S * 1000,
) => ({
  'x-hubspot-signature-v3': mac('sha256', secret, `POST${url}`, body, String(ms)).toString(
    'base64',
  ),
  'x-hubspot-request-timestamp': String(ms),
})

/** A P-256 key pair as SendGrid publishes the public half (base64 SPKI DER). */
export function sendgridKeys(): { publicKey: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return {
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey,
  }
}

/** SendGrid Event Webhook: base64 DER ECDSA P-256/SHA-256 over timestamp + body. */
export const signSendgrid = (body: Body, privateKey: KeyObject, ts: number = NOW_S) => ({
  'x-twilio-email-event-webhook-timestamp': String(ts),
  'x-twilio-email-event-webhook-signature': sign(
    'sha256',
    Buffer.concat([Buffer.from(String(ts)), Buffer.from(body)]),
    privateKey,
  ).toString('base64'),
})

/** Mailgun's signature fields: what a Mailgun body carries besides its event. */
export interface MailgunSignature {
  timestamp: string
  token: string
  signature: string
}

/**
 * Mailgun (documentation.mailgun.com, securing webhooks): hex HMAC-SHA256 of timestamp + token
 * (no separator), keyed with the HTTP webhook signing key. The fields go in the body.
 */
export const signMailgun = (
  options: { secret?: string; timestamp?: number | string; token?: string } = {},
): MailgunSignature => {
  const timestamp = String(options.timestamp ?? NOW_S)
  const token = options.token ?? 'e0b5477167110d68991efc6b9f89f0a11066af27834600e123'
  const signature = mac('sha256', options.secret ?? SECRET, timestamp + token).toString('hex')
  return { timestamp, token, signature }
}

/** A Mailgun JSON webhook body: the signature fields under `signature`, the event under `event-data`. */
export const mailgunJson = (eventData: unknown, signature: MailgunSignature = signMailgun()) =>
  JSON.stringify({ signature, 'event-data': eventData })
