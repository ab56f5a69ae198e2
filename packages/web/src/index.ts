export { webhookHandler } from './handler.js'
export type { WebhookHandlerOptions } from './options.js'
export {
  type VerifiedRequest,
  type VerifyRequestOptions,
  verifyRequest,
} from './verify-request.js'
