export type { FastifyWebhookOptions, FastifyWebhookRouteOptions } from './options.js'
export { hookguard, hookguard as default } from './plugin.js'
