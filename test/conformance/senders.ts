// The senders' own libraries, loaded from packages/core/node_modules: they are
// devDependencies of @hookguard/core (never runtime ones), so a bare import from
// test/ would not resolve them.
import type * as OctokitMethods from '../../packages/core/node_modules/@octokit/webhooks-methods/dist-types/index.js'

export {
  Webhook as StandardWebhook,
  WebhookVerificationError as StandardWebhookError,
} from '../../packages/core/node_modules/standardwebhooks/dist/index.js'
export { default as Stripe } from '../../packages/core/node_modules/stripe/esm/stripe.esm.node.js'
export { Webhook as SvixWebhook } from '../../packages/core/node_modules/svix/dist/index.mjs'

// The package ships no types next to its Node build, so load it by URL and type it from dist-types.
const octokitUrl = new URL(
  '../../packages/core/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  import.meta.url,
)
export const octokit = (await import(/* @vite-ignore */ octokitUrl.href)) as typeof OctokitMethods
