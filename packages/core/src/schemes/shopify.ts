import { base64DecodeSignature, base64Encode } from '../encoding.js'
import { defineScheme, hmacSignature } from './define.js'
import { randomUuid } from './ids.js'
import { requiredHeader } from './read.js'

const SIGNATURE = 'x-shopify-hmac-sha256'

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`, keyed with the
 * app's client secret as given. The type is `X-Shopify-Topic` with `/` turned into `.`
 * (`orders/create` → `orders.create`), so `orders.*` routes work; the id is
 * `X-Shopify-Webhook-Id`.
 *
 * Only the body is signed: no timestamp, and neither the webhook id nor the topic. So the
 * idempotency key is not the (unsigned) webhook id but the topic and the body's SHA-256
 * (`idempotencyKeyFrom: 'body'`): a captured delivery resent under a new webhook id is still a
 * duplicate while the store remembers it (72 hours by default). What that cannot catch: a body
 * resent under another topic (the topic is not signed, and Shopify itself sends one order's body
 * for several topics), or after the store forgot it. Two deliveries with the same body on one
 * topic run once (Shopify bodies carry `updated_at`, so they differ when anything changed).
 *
 * @example
 * await verify({ scheme: 'shopify', payload, headers, secret: process.env.SHOPIFY_API_SECRET! })
 */
export const shopifyScheme = defineScheme({
  name: 'shopify',
  needsId: true,
  generateId: randomUuid,
  idempotencyKeyFrom: 'body',
  read(header) {
    // Shopify's newer deliveries (Events) send the same values under `Shopify-*` names.
    const text =
      header(SIGNATURE) ?? requiredHeader(header, 'shopify-hmac-sha256', 'X-Shopify-Hmac-Sha256')
    return { signatures: hmacSignature(base64DecodeSignature(text)) }
  },
  headers: ({ signature, id }) => ({
    [SIGNATURE]: base64Encode(signature),
    ...(id === undefined ? {} : { 'x-shopify-webhook-id': id }),
  }),
  eventId: (_event, header) => header('x-shopify-webhook-id') ?? header('shopify-webhook-id'),
  eventType: (_event, header) =>
    (header('x-shopify-topic') ?? header('shopify-topic'))?.replaceAll('/', '.'),
})
