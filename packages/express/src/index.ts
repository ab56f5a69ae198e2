export { RequestAbortedError } from '@hookguard/core'
export { type ExpressWebhookOptions, webhook } from './middleware.js'
export { keepRawBody } from './raw-body.js'
export { webhookEvent } from './request.js'
