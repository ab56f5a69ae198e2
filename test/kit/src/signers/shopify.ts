import { randomUUID } from 'node:crypto'
import { SECRET } from '../constants.js'
import { hmac, type KitSignOptions } from './hmac.js'

/** Options of the Shopify signer. */
export interface ShopifySignOptions extends KitSignOptions {
  /** `X-Shopify-Topic`. Default: `orders/create`. */
  topic?: string
}

/**
 * Shopify (shopify.dev, "Verify webhooks"): `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the
 * body>` with the app's client secret as given, plus `X-Shopify-Webhook-Id` (random unless `id`
 * is given) and `X-Shopify-Topic`. Shopify signs no timestamp.
 *
 * @example
 * signShopify(BODY, { topic: 'orders/paid', id: 'wh_1' })
 */
export function signShopify(
  body: string | Uint8Array,
  options: ShopifySignOptions = {},
): { 'x-shopify-hmac-sha256': string; 'x-shopify-webhook-id': string; 'x-shopify-topic': string } {
  return {
    'x-shopify-hmac-sha256': hmac(options.secret ?? SECRET, body).toString('base64'),
    'x-shopify-webhook-id': options.id ?? randomUUID(),
    'x-shopify-topic': options.topic ?? 'orders/create',
  }
}
