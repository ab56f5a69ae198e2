// Everything in the kit that runs outside vitest (`pnpm stress`, scripts): the index adds the
// vitest-only helpers. Importing vitest costs about a second of startup.
export {
  JSON_HEADERS,
  MiB,
  NOW,
  NOW_S,
  OTHER_SECRET,
  SECRET,
  STANDARD_WEBHOOKS_SECRET,
} from './constants.js'
export { BODY, bytes, countingStream, EVENT, eventBody, sleep } from './fixtures.js'
export { type SignedInitOptions, signedInit, signedJson } from './requests.js'
export * from './signers/index.js'
