// The senders' own libraries, for conformance tests that check hookguard against them. They
// are the kit's dependencies, so no test reaches into another package's node_modules.
import type * as OctokitMethods from '../node_modules/@octokit/webhooks-methods/dist-types/index.js'

export {
  Webhook as StandardWebhook,
  WebhookVerificationError as StandardWebhookError,
} from 'standardwebhooks'
export { default as Stripe } from 'stripe'
export { Webhook as SvixWebhook } from 'svix'

// Its Node build is exported under a `node` condition with types that TypeScript's bundler
// resolution does not pick, so load it by URL and type it from its dist-types.
const octokitUrl = new URL(
  '../node_modules/@octokit/webhooks-methods/dist-node/index.js',
  import.meta.url,
)
/** `@octokit/webhooks-methods`: GitHub's own `sign` and `verify`. */
export const octokit = (await import(/* @vite-ignore */ octokitUrl.href)) as typeof OctokitMethods

export { Signature as HubspotSignature } from '@hubspot/api-client/lib/src/utils/signature.js'
// The webhooks entry alone: the package's main entry is the whole GraphQL client.
export { LinearWebhookClient } from '@linear/sdk/webhooks'
export { Paddle } from '@paddle/paddle-node-sdk'
export { EventWebhook as SendgridEventWebhook } from '@sendgrid/eventwebhook'
export { verifyKey as discordVerifyKey } from 'discord-interactions'
export { WebhooksHelper as SquareWebhooksHelper } from 'square'
export { default as twilio } from 'twilio'
