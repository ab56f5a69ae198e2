// `@hookguard/core/scheme`: what a scheme author needs to describe a sender.

export type { Chunk } from './crypto/types.js'
export { base64Decode, base64Encode, hexDecode, hexEncode, utf8Encode } from './encoding.js'
export type { UrlSigningScheme } from './explain/index.js'
export type { HeaderGetter } from './headers.js'
export {
  defineScheme,
  hmacSignature,
  rawSecretKey,
  type SchemeDefinition,
  signBodyOnly,
} from './schemes/define.js'
export { parseFormBody } from './schemes/form.js'
export { githubScheme } from './schemes/github.js'
export { hookguardScheme } from './schemes/hookguard.js'
export { invalidSignature, objectField, requiredHeader, stringField } from './schemes/read.js'
export { resolveScheme } from './schemes/registry.js'
export { shopifyScheme } from './schemes/shopify.js'
export { slackScheme } from './schemes/slack.js'
export {
  standardWebhooksKey,
  standardWebhooksScheme,
  svixScheme,
} from './schemes/standard-webhooks.js'
export { stripeScheme } from './schemes/stripe.js'
export type {
  Scheme,
  SchemeKey,
  SignatureAlgorithm,
  SignatureInput,
  SignedParts,
} from './schemes/types.js'
export {
  parseVersionedHex,
  readTimestampedHex,
  type TimestampedHexHeaders,
} from './schemes/versioned-hex.js'
export { parseTimestamp } from './timestamp.js'
