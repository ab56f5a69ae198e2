// `@hookguard/core/scheme`: what a scheme author needs to describe a sender.

export type { Chunk } from './crypto/types.js'
export { base64Decode, base64Encode, hexDecode, hexEncode, utf8Encode } from './encoding.js'
export type { UrlSigningScheme } from './explain/index.js'
export type { HeaderGetter } from './headers.js'
export { type BodyHmacOptions, bodyHmacScheme } from './schemes/body-hmac.js'
export {
  coinbaseScheme,
  gitlabScheme,
  intercomScheme,
  lemonsqueezyScheme,
  linearScheme,
  typeformScheme,
  vercelScheme,
} from './schemes/body-senders.js'
export {
  defineScheme,
  hmacSignature,
  rawSecretKey,
  type SchemeDefinition,
  signBodyOnly,
} from './schemes/define.js'
export { discordKey, discordScheme } from './schemes/discord.js'
export { type FormFields, formFields, parseFormBody } from './schemes/form.js'
export { githubScheme } from './schemes/github.js'
export {
  calendlyScheme,
  hubspotScheme,
  type MetaSchemeOptions,
  metaScheme,
  twitchScheme,
  zoomScheme,
} from './schemes/handshake-senders.js'
export { hookguardScheme } from './schemes/hookguard.js'
export { mailgunScheme } from './schemes/mailgun.js'
export { paddleScheme } from './schemes/paddle.js'
export { invalidSignature, objectField, requiredHeader, stringField } from './schemes/read.js'
export { resolveScheme } from './schemes/registry.js'
export { ecdsaDerToRaw, sendgridKey, sendgridScheme } from './schemes/sendgrid.js'
export { shopifyScheme } from './schemes/shopify.js'
export { slackScheme } from './schemes/slack.js'
export { squareScheme } from './schemes/square.js'
export {
  standardWebhooksKey,
  standardWebhooksScheme,
  svixScheme,
} from './schemes/standard-webhooks.js'
export { stripeScheme } from './schemes/stripe.js'
export { twilioScheme } from './schemes/twilio.js'
export type {
  ChallengeContext,
  HandshakeAnswer,
  Scheme,
  SchemeKey,
  SignatureAlgorithm,
  SignatureInput,
  SignedParts,
  SignedRequest,
} from './schemes/types.js'
export {
  parseVersionedHex,
  readTimestampedHex,
  type TimestampedHexHeaders,
} from './schemes/versioned-hex.js'
export { parseTimestamp } from './timestamp.js'
