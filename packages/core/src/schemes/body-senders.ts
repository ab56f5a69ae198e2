import { bodyHmacScheme } from './body-hmac.js'
import { defineScheme } from './define.js'
import { objectField, requiredHeader, stringField } from './read.js'
import type { Scheme } from './types.js'

/**
 * Linear: `Linear-Signature: <hex HMAC-SHA256 of the body>`; the body's `webhookTimestamp`
 * (milliseconds) must be within 60 s, as `@linear/sdk`'s webhook client checks. The id is
 * `Linear-Delivery`; the type is the body's `type` and `action` (`Issue.create`).
 */
export const linearScheme: Scheme = {
  ...bodyHmacScheme({
    name: 'linear',
    header: 'linear-signature',
    display: 'Linear-Signature',
    encoding: 'hex',
    eventId: (_event, header) => header('linear-delivery'),
    eventType(event) {
      const type = stringField(event, 'type')
      const action = stringField(event, 'action')
      return type !== undefined && action !== undefined ? `${type}.${action}` : type
    },
  }),
  toleranceSeconds: 60,
  eventTimestamp(event) {
    const ms = (event as { webhookTimestamp?: unknown })?.webhookTimestamp
    // Missing or malformed is stale: the timestamp is part of what Linear signs.
    return typeof ms === 'number' && Number.isFinite(ms) ? Math.floor(ms / 1000) : 0
  },
}

/**
 * GitLab: `X-Gitlab-Token` carries the webhook's secret token itself, compared in constant time
 * (GitLab signs nothing, so nothing is signed: replay protection rests on the idempotency key,
 * `X-Gitlab-Event-UUID`). The type is the body's `object_kind` (`push`, `merge_request`).
 */
export const gitlabScheme = defineScheme({
  name: 'gitlab',
  read: (header) => ({
    signatures: [
      new TextEncoder().encode(requiredHeader(header, 'x-gitlab-token', 'X-Gitlab-Token')),
    ],
  }),
  key: (secret) => ({
    type: 'token',
    key: typeof secret === 'string' ? new TextEncoder().encode(secret) : secret,
  }),
  headers: ({ signature, id }) => ({
    'x-gitlab-token': new TextDecoder().decode(signature),
    ...(id === undefined ? {} : { 'x-gitlab-event-uuid': id }),
  }),
  eventId: (_event, header) => header('x-gitlab-event-uuid') ?? header('x-gitlab-webhook-uuid'),
  eventType: (event) => stringField(event, 'object_kind'),
})

/**
 * Lemon Squeezy: `X-Signature: <hex HMAC-SHA256 of the body>`. No event id is signed or sent:
 * deduplicate with `idempotencyKey`. The type is `X-Event-Name` (`order_created`).
 */
export const lemonsqueezyScheme = bodyHmacScheme({
  name: 'lemonsqueezy',
  header: 'x-signature',
  display: 'X-Signature',
  encoding: 'hex',
  eventId: () => undefined,
  eventType: (event, header) =>
    header('x-event-name') ?? stringField(objectField(event, 'meta'), 'event_name'),
})

/**
 * Typeform: `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>`. The id is the body's
 * `event_id`, the type its `event_type` (`form_response`).
 */
export const typeformScheme = bodyHmacScheme({
  name: 'typeform',
  header: 'typeform-signature',
  display: 'Typeform-Signature',
  encoding: 'base64',
  prefix: 'sha256=',
  eventId: (event) => stringField(event, 'event_id'),
  eventType: (event) => stringField(event, 'event_type'),
})

/**
 * Coinbase Commerce: `X-CC-Webhook-Signature: <hex HMAC-SHA256 of the body>` with the shared
 * secret. The id and type are the body's `event.id` and `event.type` (`charge:confirmed`).
 */
export const coinbaseScheme = bodyHmacScheme({
  name: 'coinbase',
  header: 'x-cc-webhook-signature',
  display: 'X-CC-Webhook-Signature',
  encoding: 'hex',
  eventId: (event) => stringField(objectField(event, 'event'), 'id'),
  eventType: (event) => stringField(objectField(event, 'event'), 'type'),
})

/**
 * Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>` keyed with the app's client
 * secret. The id is the notification's `id`, the type its `topic` (`conversation.user.created`).
 */
export const intercomScheme = bodyHmacScheme({
  name: 'intercom',
  header: 'x-hub-signature',
  display: 'X-Hub-Signature',
  encoding: 'hex',
  prefix: 'sha1=',
  hash: 'sha1',
  eventType: (event) => stringField(event, 'topic'),
})

/**
 * Vercel: `x-vercel-signature: <hex HMAC-SHA1 of the body>` keyed with the webhook's secret.
 * The id and type are the body's `id` and `type` (`deployment.created`).
 */
export const vercelScheme = bodyHmacScheme({
  name: 'vercel',
  header: 'x-vercel-signature',
  display: 'x-vercel-signature',
  encoding: 'hex',
  hash: 'sha1',
})
