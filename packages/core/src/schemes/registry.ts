import {
  coinbaseScheme,
  gitlabScheme,
  intercomScheme,
  lemonsqueezyScheme,
  linearScheme,
  typeformScheme,
  vercelScheme,
} from './body-senders.js'
import { discordScheme } from './discord.js'
import { githubScheme } from './github.js'
import {
  calendlyScheme,
  hubspotScheme,
  metaScheme,
  twitchScheme,
  zoomScheme,
} from './handshake-senders.js'
import { hookguardScheme } from './hookguard.js'
import { mailgunScheme } from './mailgun.js'
import { paddleScheme } from './paddle.js'
import { sendgridScheme } from './sendgrid.js'
import { shopifyScheme } from './shopify.js'
import { slackScheme } from './slack.js'
import { squareScheme } from './square.js'
import { standardWebhooksScheme, svixScheme } from './standard-webhooks.js'
import { stripeScheme } from './stripe.js'
import { twilioScheme } from './twilio.js'
import type { Scheme } from './types.js'

/**
 * The built-in schemes, by name.
 *
 * @example
 * Object.keys(schemes) // ['hookguard', 'standard-webhooks', 'svix', 'stripe', 'github', 'slack', 'shopify', 'discord', …]
 */
export const schemes = {
  hookguard: hookguardScheme,
  'standard-webhooks': standardWebhooksScheme,
  svix: svixScheme,
  stripe: stripeScheme,
  github: githubScheme,
  slack: slackScheme,
  shopify: shopifyScheme,
  discord: discordScheme,
  twilio: twilioScheme,
  square: squareScheme,
  paddle: paddleScheme,
  linear: linearScheme,
  hubspot: hubspotScheme,
  sendgrid: sendgridScheme,
  twitch: twitchScheme,
  zoom: zoomScheme,
  meta: metaScheme(),
  gitlab: gitlabScheme,
  lemonsqueezy: lemonsqueezyScheme,
  typeform: typeformScheme,
  calendly: calendlyScheme,
  coinbase: coinbaseScheme,
  mailgun: mailgunScheme,
  intercom: intercomScheme,
  vercel: vercelScheme,
} as const satisfies Record<string, Scheme>

/** A built-in scheme's name. */
export type SchemeName = keyof typeof schemes

/**
 * Looks a scheme up by name, or checks and passes a custom one through. Unknown names and
 * incomplete objects are a `TypeError`.
 *
 * @example
 * resolveScheme('stripe') === stripeScheme // true
 */
export function resolveScheme(scheme: SchemeName | Scheme | undefined): Scheme {
  if (scheme === undefined) return hookguardScheme
  if (typeof scheme === 'string') {
    const found = Object.hasOwn(schemes, scheme) ? schemes[scheme] : undefined
    if (!found) {
      throw new TypeError(
        `Unknown scheme "${scheme}"; expected one of ${Object.keys(schemes).join(', ')} or a Scheme object`,
      )
    }
    return found
  }
  if (typeof scheme !== 'object' || scheme === null) {
    throw new TypeError('scheme must be a scheme name or a Scheme object')
  }
  for (const method of ['read', 'content', 'key', 'headers'] as const) {
    if (typeof scheme[method] !== 'function') {
      throw new TypeError(`scheme.${method} must be a function (see the Scheme interface)`)
    }
  }
  return scheme
}
