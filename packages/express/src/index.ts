export { RequestAbortedError } from '@hookguard/core/adapter'
export { type ExpressWebhookOptions, type WebhookMiddleware, webhook } from './middleware.js'
export { keepRawBody } from './raw-body.js'
export { webhookEvent } from './request.js'
