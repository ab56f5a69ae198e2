export {
  JSON_HEADERS,
  MiB,
  NOW,
  NOW_S,
  OTHER_SECRET,
  SECRET,
  STANDARD_WEBHOOKS_SECRET,
} from './constants.js'
export { expectCode, type VerificationErrorLike } from './expect-code.js'
export { BODY, bytes, countingStream, EVENT, eventBody, sleep } from './fixtures.js'
export { type SignedInitOptions, signedInit, signedJson } from './requests.js'
export * from './signers/index.js'
