export { type NextFunction, webhookHandler } from './handler.js'
export type { WebhookHandlerOptions, WebhookLogger, WebhookRequest } from './options.js'
