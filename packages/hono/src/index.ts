export type { HonoWebhookOptions } from './options.js'
export type { WebhookEnv, WebhookVariables } from './types.js'
export { type WebhookMiddleware, webhook } from './webhook.js'
