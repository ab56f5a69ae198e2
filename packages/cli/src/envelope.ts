import { randomBytes, randomUUID } from 'node:crypto'

/** One event as its sender would deliver it, before signing. */
export interface Envelope {
  /** The id the sender signs or sends (`sign`'s `id`): a message or delivery id. */
  id: string
  body: string
  /** Headers the sender adds besides the signature (lower-case names). */
  headers: Record<string, string>
}

interface Sender {
  defaultType: string
  defaultData: () => unknown
  id: () => string
  build(input: { id: string; type: string; data: unknown; now: number }): Omit<Envelope, 'id'>
}

const token = (
  length: number,
  alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
) => Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('')

const json = { 'content-type': 'application/json' }

// Each sender's own envelope, header names and user agent, as its deliveries show them.
const senders: Record<string, Sender> = {
  hookguard: {
    defaultType: 'order.created',
    defaultData: () => ({ id: `ord_${token(8)}`, total: 1999, amount: 1999, currency: 'eur' }),
    id: () => `evt_${token(24)}`,
    build: ({ id, type, data, now }) => ({
      body: JSON.stringify({
        id,
        type,
        created: now,
        apiVersion: '2025-01-01',
        data: { object: data },
      }),
      headers: { ...json, 'user-agent': 'hookguard-cli' },
    }),
  },
  stripe: {
    defaultType: 'payment_intent.succeeded',
    defaultData: () => ({
      id: `pi_${token(24)}`,
      object: 'payment_intent',
      amount: 2000,
      currency: 'usd',
      status: 'succeeded',
    }),
    id: () => `evt_${token(24)}`,
    build: ({ id, type, data, now }) => ({
      // Stripe pretty-prints its events.
      body: JSON.stringify(
        {
          id,
          object: 'event',
          api_version: '2025-01-27.acacia',
          created: now,
          data: { object: data },
          livemode: false,
          pending_webhooks: 1,
          request: { id: null, idempotency_key: null },
          type,
        },
        null,
        2,
      ),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
    }),
  },
  github: {
    defaultType: 'issues.opened',
    defaultData: () => ({
      issue: { number: 1, title: 'Test issue', user: { login: 'octocat' } },
      repository: { full_name: 'octo-org/hello-world' },
      sender: { login: 'octocat' },
    }),
    id: randomUUID,
    build: ({ id, type, data }) => {
      const [event = type, action] = type.split('.')
      const body = action === undefined ? data : { action, ...(data as object) }
      return {
        body: JSON.stringify(body),
        headers: {
          ...json,
          'user-agent': 'GitHub-Hookshot/hookguard',
          'x-github-event': event,
          'x-github-delivery': id,
          'x-github-hook-id': '1',
        },
      }
    },
  },
  shopify: {
    defaultType: 'orders/create',
    defaultData: () => ({
      id: Number(`82098${Math.floor(Math.random() * 1e9)}`),
      total_price: '19.99',
      currency: 'EUR',
    }),
    id: randomUUID,
    build: ({ id, type, data, now }) => ({
      body: JSON.stringify(data),
      headers: {
        ...json,
        'user-agent': 'Shopify-Captain-Hook',
        'x-shopify-topic': type.replaceAll('.', '/'),
        'x-shopify-shop-domain': 'hookguard-test.myshopify.com',
        'x-shopify-api-version': '2025-01',
        'x-shopify-webhook-id': id,
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': new Date(now * 1000).toISOString(),
      },
    }),
  },
  slack: {
    defaultType: 'app_mention',
    defaultData: () => ({ user: 'U061F7AUR', text: '<@U0LAN0Z89> hello', channel: 'C0LAN2Q65' }),
    id: () => `Ev${token(9, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
    build: ({ id, type, data, now }) => ({
      body: JSON.stringify({
        token: 'hookguard-cli',
        team_id: 'T0001',
        api_app_id: 'A0001',
        event: { type, ...(data as object), event_ts: `${now}.000100` },
        type: 'event_callback',
        event_id: id,
        event_time: now,
      }),
      headers: { ...json, 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' },
    }),
  },
  mailgun: {
    defaultType: 'delivered',
    defaultData: () => ({
      recipient: 'alice@example.com',
      message: { headers: { 'message-id': `${token(16)}@hookguard.example` } },
    }),
    // The token Mailgun signs: 50 characters, also the idempotency key.
    id: () => token(50, 'abcdef0123456789'),
    build: ({ type, data, now }) => ({
      // The signature fields are added when it is signed (signedBody).
      body: JSON.stringify({
        'event-data': { event: type, id: token(22), timestamp: now, ...(data as object) },
      }),
      headers: { ...json, 'user-agent': 'mailgun/treq-16.12.0' },
    }),
  },
}

const standardWebhooks: Sender = {
  defaultType: 'user.created',
  defaultData: () => ({ id: `user_${token(27)}`, email: 'test@example.com' }),
  id: () => `msg_${token(27)}`,
  build: ({ type, data, now }) => ({
    body: JSON.stringify({ type, timestamp: new Date(now * 1000).toISOString(), data }),
    headers: { ...json, 'user-agent': 'Svix-Webhooks/1.0' },
  }),
}
senders.svix = standardWebhooks
senders['standard-webhooks'] = {
  ...standardWebhooks,
  build: (input) => ({ ...standardWebhooks.build(input), headers: json }),
}

// Schemes added to core later get hookguard's generic envelope until they have their own.
const generic: Sender = {
  defaultType: 'test.event',
  defaultData: () => ({ id: `obj_${token(8)}` }),
  id: () => `evt_${token(24)}`,
  build: ({ id, type, data, now }) => ({
    body: JSON.stringify({ id, type, created: now, data: { object: data } }),
    headers: { ...json, 'user-agent': 'hookguard-cli' },
  }),
}

const senderOf = (scheme: string): Sender => senders[scheme] ?? generic

/** The type `send` uses for a scheme when `--type` is not given. */
export const defaultType = (scheme: string): string => senderOf(scheme).defaultType

/**
 * One event as the scheme's sender delivers it: its envelope around `data`, a fresh id, and the
 * sender's own headers (event type, delivery id, user agent).
 */
export function envelope(
  scheme: string,
  input: { type: string | undefined; data: unknown; now: number },
): Envelope {
  const sender = senderOf(scheme)
  const id = sender.id()
  const type = input.type ?? sender.defaultType
  const data = input.data === undefined ? sender.defaultData() : input.data
  return { id, ...sender.build({ id, type, data, now: input.now }) }
}

/** Whether the scheme's sender carries its signature in the body (Mailgun) rather than headers. */
export const signsInBody = (scheme: string): boolean => scheme === 'mailgun'

/**
 * For a sender whose signature travels in the body (Mailgun): `body` with the fields `sign()`
 * returned written in, under `signature` in a JSON body or as form fields; `undefined` for
 * senders that sign in headers. A JSON body that does not parse is a `SyntaxError`.
 *
 * @example
 * signedBody('mailgun', '{"event-data":{}}', { timestamp, token, signature }) // '{"event-data":{},"signature":{…}}'
 */
export function signedBody(
  scheme: string,
  body: string,
  fields: Record<string, string>,
): string | undefined {
  if (!signsInBody(scheme)) return undefined
  if (/^\s*\{/.test(body)) return JSON.stringify({ ...JSON.parse(body), signature: fields })
  const form = new URLSearchParams(body)
  for (const [name, value] of Object.entries(fields)) form.set(name, value)
  return form.toString()
}
