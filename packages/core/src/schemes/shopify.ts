import { base64DecodeSignature, base64Encode } from '../encoding.js'
import { defineScheme, hmacSignature } from './define.js'
import { randomUuid } from './ids.js'
import { requiredHeader } from './read.js'

const SIGNATURE = 'x-shopify-hmac-sha256'

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`, keyed with the
 * app's client secret as given. No timestamp is signed; the idempotency key is
 * `X-Shopify-Webhook-Id` and the type is `X-Shopify-Topic` with `/` turned into `.`
 * (`orders/create` → `orders.create`), so `orders.*` routes work.
 *
 * @example
 * await verify({ scheme: 'shopify', payload, headers, secret: process.env.SHOPIFY_API_SECRET! })
 */
export const shopifyScheme = defineScheme({
  name: 'shopify',
  needsId: true,
  generateId: randomUuid,
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
