export {
  assertDeclaredLength,
  BodyCollector,
  checkMaxBodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  payloadTooLarge,
  readWebStream,
} from './body.js'
export { base64Decode, base64Encode, hexDecode, hexEncode, utf8Encode } from './encoding.js'
export { ERROR_STATUS, type ErrorCode, WebhookVerificationError } from './errors.js'
export { type HeaderGetter, type HeadersInput, headerGetter } from './headers.js'
export {
  createReceiver,
  errorResponse,
  type Outcome,
  type Receiver,
  type ReceiverOptions,
} from './receiver.js'
export { hookguardScheme, parseVersionedHex, rawSecretKey } from './schemes/hookguard.js'
export { resolveScheme, type SchemeName, schemes } from './schemes/registry.js'
export type { Scheme, SignatureInput, SignedParts } from './schemes/types.js'
export type { SecretInput } from './secrets.js'
export { type SignInput, sign } from './sign.js'
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
