export type { HonoWebhookOptions } from './options.js'
export type { WebhookEnv, WebhookVariables } from './types.js'
export { webhook } from './webhook.js'
