export {
  assertDeclaredLength,
  BodyCollector,
  checkMaxBodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  type NodeReadableLike,
  payloadTooLarge,
  RequestAbortedError,
  readNodeStream,
  readWebStream,
} from './body.js'
export { base64Decode, base64Encode, hexDecode, hexEncode, utf8Encode } from './encoding.js'
export { ERROR_STATUS, type ErrorCode, WebhookVerificationError } from './errors.js'
export { type HeaderGetter, type HeadersInput, headerGetter } from './headers.js'
export { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from './memory-store.js'
export {
  type AckMode,
  createProcessor,
  type DeadLetterInfo,
  type Processor,
  type ProcessorOptions,
  type ProcessStatus,
} from './processor.js'
export {
  createReceiver,
  errorResponse,
  type Outcome,
  type Receiver,
  type ReceiverOptions,
} from './receiver.js'
export { backoffDelay, type RetryOptions, retryPolicy } from './retry.js'
export { createRouter, type Handler, type HandlerContext, type Handlers } from './router.js'
export { parseFormBody } from './schemes/form.js'
export { githubScheme } from './schemes/github.js'
export {
  hookguardScheme,
  parseVersionedHex,
  rawSecretKey,
  readTimestampedHex,
} from './schemes/hookguard.js'
export { objectField, requiredHeader, stringField } from './schemes/read.js'
export { resolveScheme, type SchemeName, schemes } from './schemes/registry.js'
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
export type { SecretInput } from './secrets.js'
export { type SignInput, sign } from './sign.js'
export {
  type BeginResult,
  DEFAULT_LEASE_MS,
  DEFAULT_RETENTION_MS,
  type IdempotencyStore,
} from './store.js'
export { parseTimestamp } from './timestamp.js'
export {
  checkVerifyOptions,
  DEFAULT_TOLERANCE_SECONDS,
  type VerifiedWebhook,
  type VerifyInput,
  type VerifyOptions,
  verify,
  verifyWebhook,
} from './verify.js'
