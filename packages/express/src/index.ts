export { type ExpressWebhookOptions, webhook } from './middleware.js'
export { keepRawBody, RequestAbortedError } from './raw-body.js'
export { webhookEvent } from './request.js'
