export { type NextFunction, webhookHandler } from './handler.js'
export type { WebhookHandlerOptions, WebhookRequest } from './options.js'
