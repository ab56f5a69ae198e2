// What an application uses. Adapter authors: `@hookguard/core/adapter`; scheme authors:
// `@hookguard/core/scheme`.
export { ERROR_STATUS, type ErrorCode, WebhookVerificationError } from './errors.js'
export {
  type Confidence,
  type ExplainInput,
  type Explanation,
  explain,
  FINDING_CODES,
  type Finding,
  type FindingCode,
} from './explain/index.js'
export type { HeadersInput } from './headers.js'
export type { Inbox, InboxAcceptResult, InboxEntry } from './inbox.js'
export type { LogFields, Logger } from './logger.js'
export { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from './memory-store.js'
export type { DeliveryOutcome, HandlerRunOutcome, OnOutcome } from './outcome-hook.js'
export {
  type AckMode,
  type CloseOptions,
  createProcessor,
  type InProcessOptions,
  type Processor,
  type ProcessorOptions,
  type ProcessStatus,
} from './processor.js'
export type { RetryOptions } from './retry.js'
export type { Handler, HandlerContext, Handlers } from './router.js'
export type { DeadLetterHook, DeadLetterInfo, DeadLetterReason } from './run.js'
export { type SchemeName, schemes } from './schemes/registry.js'
export type { Scheme } from './schemes/types.js'
export type { SecretInput } from './secrets.js'
export { type SignInput, sign } from './sign.js'
export {
  type BeginResult,
  DEFAULT_LEASE_MS,
  DEFAULT_RETENTION_MS,
  type IdempotencyStore,
} from './store.js'
export {
  type VerifiedWebhook,
  type VerifyInput,
  type VerifyOptions,
  verify,
  verifyWebhook,
} from './verify.js'
