import { signGithub } from './github.js'
import type { KitSigner } from './hmac.js'
import { signHookguard } from './hookguard.js'
import { signShopify } from './shopify.js'
import { signSlack } from './slack.js'
import { signStandardWebhooks, signSvix } from './standard-webhooks.js'
import { signStripe } from './stripe.js'

/**
 * One independent signer per built-in scheme, keyed by scheme name, for tests that loop over
 * schemes. Each signs with the kit's default secret for its scheme unless given `secret`.
 *
 * @example
 * for (const [scheme, sign] of Object.entries(signers)) await verify({ scheme, payload, headers: sign(payload), … })
 */
export const signers = {
  hookguard: signHookguard,
  'standard-webhooks': signStandardWebhooks,
  svix: signSvix,
  stripe: signStripe,
  github: signGithub,
  slack: signSlack,
  shopify: signShopify,
} satisfies Record<string, KitSigner>
