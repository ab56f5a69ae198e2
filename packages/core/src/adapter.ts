// `@hookguard/core/adapter`: what a framework adapter needs besides the main entry.

export { errorResponse } from './answers.js'
export { deferBackground, runAfterResponse } from './background.js'
export {
  assertDeclaredLength,
  BodyCollector,
  type BodyReadOptions,
  bodyTimeout,
  checkBodyTimeout,
  checkMaxBodyBytes,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  type NodeReadableLike,
  payloadTooLarge,
  RequestAbortedError,
  readNodeStream,
  readWebStream,
} from './body.js'
export { DRAIN_MAX_BYTES, DRAIN_MAX_MS } from './drain.js'
export { checkHandlerChoice } from './handler-options.js'
export { type HeaderGetter, type HeadersInput, headerGetter } from './headers.js'
export { checkLogger } from './logger.js'
export {
  bodyStreamTaken,
  type NodeBodySource,
  type NodeRequestLike,
  readNodeBody,
} from './node-body.js'
export { outcomeReporter } from './outcome-hook.js'
export { parseEvent } from './parse.js'
export {
  createReceiver,
  type Outcome,
  type Receiver,
  type ReceiverOptions,
} from './receiver.js'
export { backoffDelay, type RetryPolicy, retryPolicy } from './retry.js'
export { createRouter } from './router.js'
export { withTimeout } from './timeout.js'
