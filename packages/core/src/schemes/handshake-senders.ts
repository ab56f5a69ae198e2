import { crypto } from '#crypto'
import {
  base64DecodeSignature,
  base64Encode,
  hexDecodeSignature,
  hexEncode,
  utf8Encode,
} from '../encoding.js'
import { WebhookVerificationError } from '../errors.js'
import { parseTimestamp } from '../timestamp.js'
import { bodyHmacScheme } from './body-hmac.js'
import { defineScheme, hmacSignature, rawSecretKey } from './define.js'
import { invalidSignature, objectField, requiredHeader, stringField } from './read.js'
import type { HandshakeAnswer, Scheme } from './types.js'
import { readTimestampedHex } from './versioned-hex.js'

const TWITCH_ID = 'twitch-eventsub-message-id'
const TWITCH_TIMESTAMP = 'twitch-eventsub-message-timestamp'
const TWITCH_SIGNATURE = 'twitch-eventsub-message-signature'
const TWITCH_TYPE = 'twitch-eventsub-message-type'

function isoSeconds(text: string, display: string): number {
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text)
    ? Date.parse(text)
    : Number.NaN
  if (Number.isNaN(ms)) {
    throw new WebhookVerificationError('INVALID_TIMESTAMP', `${display} must be an RFC 3339 time`)
  }
  return Math.floor(ms / 1000)
}

/**
 * Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256 of message id +
 * timestamp + body>`, with the RFC 3339 `Twitch-Eventsub-Message-Timestamp` within Twitch's
 * 10 minutes. The verification request is answered with its `challenge` as plain text and a
 * `revocation` with 204; neither reaches handlers. The id is the message id; the type is the
 * subscription type (`channel.follow`).
 */
export const twitchScheme = defineScheme({
  name: 'twitch',
  needsId: true,
  toleranceSeconds: 600,
  read(header) {
    const id = requiredHeader(header, TWITCH_ID, 'Twitch-Eventsub-Message-Id')
    const timestampText = requiredHeader(
      header,
      TWITCH_TIMESTAMP,
      'Twitch-Eventsub-Message-Timestamp',
    )
    const text = requiredHeader(header, TWITCH_SIGNATURE, 'Twitch-Eventsub-Message-Signature')
    if (!text.startsWith('sha256=')) {
      throw invalidSignature('Twitch-Eventsub-Message-Signature must start with sha256=')
    }
    return {
      id,
      timestamp: isoSeconds(timestampText, 'Twitch-Eventsub-Message-Timestamp'),
      timestampText,
      signatures: hmacSignature(hexDecodeSignature(text.slice(7))),
    }
  },
  content: (parts, body) => [`${parts.id}${parts.timestampText}`, body],
  formatTimestamp: (seconds) => new Date(seconds * 1000).toISOString(),
  headers: ({ signature, timestamp, id }) => ({
    [TWITCH_ID]: id ?? '',
    [TWITCH_TIMESTAMP]: new Date(timestamp * 1000).toISOString(),
    [TWITCH_SIGNATURE]: `sha256=${hexEncode(signature)}`,
    [TWITCH_TYPE]: 'notification',
  }),
  challenge(event, { header }) {
    const type = header(TWITCH_TYPE)
    if (type === 'webhook_callback_verification') return stringField(event, 'challenge') ?? ''
    if (type === 'revocation') return { received: true, revoked: true }
    return undefined
  },
  eventId: (_event, _header, parts) => parts.id,
  eventType: (event) => stringField(objectField(event, 'subscription'), 'type'),
})

async function hmacHex(secret: string | Uint8Array, text: string): Promise<string> {
  const key = await crypto.importHmacKey('sha256', rawSecretKey(secret))
  return hexEncode(await crypto.hmac(key, [text]))
}

/**
 * Zoom: `x-zm-signature: v0=<hex HMAC-SHA256 of "v0:${x-zm-request-timestamp}:${body}">` keyed
 * with the app's secret token. The `endpoint.url_validation` request is answered with
 * `{ plainToken, encryptedToken }` (the token's hex HMAC) and never reaches handlers. Zoom sends
 * no event id: deduplicate with `idempotencyKey`. The type is the body's `event`.
 */
export const zoomScheme = defineScheme({
  name: 'zoom',
  read: (header) =>
    readTimestampedHex(header, {
      signature: 'x-zm-signature',
      signatureDisplay: 'x-zm-signature',
      timestamp: 'x-zm-request-timestamp',
      timestampDisplay: 'x-zm-request-timestamp',
      version: 'v0',
    }),
  content: (parts, body) => [`v0:${parts.timestampText}:`, body],
  headers: ({ signature, timestamp }) => ({
    'x-zm-request-timestamp': String(timestamp),
    'x-zm-signature': `v0=${hexEncode(signature)}`,
  }),
  async challenge(event, { secret }) {
    if (stringField(event, 'event') !== 'endpoint.url_validation') return undefined
    const plainToken = stringField(objectField(event, 'payload'), 'plainToken') ?? ''
    return { plainToken, encryptedToken: await hmacHex(secret, plainToken) }
  },
  eventId: () => undefined,
  eventType: (event) => stringField(event, 'event'),
})

/** What Meta's subscription check needs besides the app secret. */
export interface MetaSchemeOptions {
  /** The Verify Token typed into the app dashboard when subscribing the callback URL. */
  verifyToken: string
}

/**
 * Meta (WhatsApp, Messenger, Instagram): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
 * body>` keyed with the app secret. The subscription check (`GET ?hub.mode=subscribe&
 * hub.verify_token=…&hub.challenge=…`) is answered with the challenge when the token matches
 * (`metaScheme({ verifyToken })`; the bare `'meta'` scheme refuses it with 403). No event id is
 * sent: deduplicate with `idempotencyKey` (a message's `id` inside `entry[].changes[]`). The
 * type is `object` and the first change's `field` (`whatsapp_business_account.messages`).
 *
 * @example
 * webhook({ scheme: metaScheme({ verifyToken: process.env.META_VERIFY_TOKEN! }), secret: appSecret })
 */
export function metaScheme(options?: MetaSchemeOptions): Scheme {
  const verifyToken = options?.verifyToken
  if (options !== undefined && (typeof verifyToken !== 'string' || verifyToken === '')) {
    throw new TypeError('metaScheme({ verifyToken }): verifyToken must be a non-empty string')
  }
  return {
    ...bodyHmacScheme({
      name: 'meta',
      header: 'x-hub-signature-256',
      display: 'X-Hub-Signature-256',
      encoding: 'hex',
      prefix: 'sha256=',
      eventId: () => undefined,
      eventType(event) {
        const object = stringField(event, 'object')
        const entry = (event as { entry?: Array<{ changes?: Array<{ field?: unknown }> }> })?.entry
        const field = entry?.[0]?.changes?.[0]?.field
        return object !== undefined && typeof field === 'string' ? `${object}.${field}` : object
      },
    }),
    handshake({ method, url }): HandshakeAnswer | undefined {
      if (method !== 'GET') return undefined
      const query = new URLSearchParams(/\?([^#]*)/.exec(url ?? '')?.[1] ?? '')
      const challenge = query.get('hub.challenge')
      const token = query.get('hub.verify_token') ?? ''
      const matches =
        verifyToken !== undefined &&
        crypto.timingSafeEqual(utf8Encode(token), utf8Encode(verifyToken))
      if (query.get('hub.mode') === 'subscribe' && challenge !== null && matches) {
        return { status: 200, body: challenge }
      }
      return {
        status: 403,
        body: {
          error: 'Subscription check refused: the verify token does not match',
          code: 'HANDSHAKE_REFUSED',
        },
      }
    },
  }
}

/** HubSpot's signed request: v3 signs method, URL, body and timestamp. */
const HUBSPOT_METHOD = 'POST'

/**
 * HubSpot (v3): `X-HubSpot-Signature-v3: <base64 HMAC-SHA256 of "POST" + URL + body +
 * timestamp>` with `X-HubSpot-Request-Timestamp` in milliseconds, within 5 minutes, keyed with
 * the app's client secret. Webhooks deliver a batch (a JSON array of events): the event is the
 * array, with no single id (deduplicate with `idempotencyKey`, or per item on `eventId`).
 */
export const hubspotScheme = defineScheme({
  name: 'hubspot',
  signsUrl: true,
  read(header, { url }) {
    const signature = requiredHeader(header, 'x-hubspot-signature-v3', 'X-HubSpot-Signature-v3')
    const timestampText = requiredHeader(
      header,
      'x-hubspot-request-timestamp',
      'X-HubSpot-Request-Timestamp',
    )
    const ms = parseTimestamp(timestampText, 'X-HubSpot-Request-Timestamp')
    return {
      url,
      timestamp: Math.floor(ms / 1000),
      timestampText,
      signatures: hmacSignature(base64DecodeSignature(signature)),
    }
  },
  content: (parts, body) => [
    `${HUBSPOT_METHOD}${parts.url ?? ''}`,
    body,
    parts.timestampText ?? '',
  ],
  formatTimestamp: (seconds) => String(seconds * 1000),
  headers: ({ signature, timestamp }) => ({
    'x-hubspot-signature-v3': base64Encode(signature),
    'x-hubspot-request-timestamp': String(timestamp * 1000),
  }),
  eventId: () => undefined,
  eventType: (event) =>
    Array.isArray(event)
      ? stringField(event[0], 'subscriptionType')
      : stringField(event, 'subscriptionType'),
})

/**
 * Calendly: `Calendly-Webhook-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "${t}.${body}">`
 * keyed with the webhook signing key, within 3 minutes (Calendly's documented example). No
 * event id is sent: deduplicate with `idempotencyKey`. The type is the body's `event`
 * (`invitee.created`).
 */
export const calendlyScheme = defineScheme({
  name: 'calendly',
  toleranceSeconds: 180,
  read(header) {
    const text = requiredHeader(header, 'calendly-webhook-signature', 'Calendly-Webhook-Signature')
    let timestampText: string | undefined
    const signatures: Uint8Array[] = []
    for (const entry of text.split(',')) {
      const eq = entry.indexOf('=')
      const name = entry.slice(0, eq).trim()
      const value = entry.slice(eq + 1).trim()
      if (name === 't') timestampText = value
      if (name === 'v1') signatures.push(...hmacSignature(hexDecodeSignature(value)))
    }
    if (timestampText === undefined) throw invalidSignature('Calendly-Webhook-Signature has no t')
    const timestamp = parseTimestamp(timestampText, 'Calendly-Webhook-Signature t')
    return { timestamp, timestampText, signatures }
  },
  content: (parts, body) => [`${parts.timestampText}.`, body],
  headers: ({ signature, timestamp }) => ({
    'calendly-webhook-signature': `t=${timestamp},v1=${hexEncode(signature)}`,
  }),
  eventId: () => undefined,
  eventType: (event) => stringField(event, 'event'),
})
