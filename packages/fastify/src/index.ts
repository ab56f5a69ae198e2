export { RequestAbortedError } from '@hookguard/core/adapter'
export type { FastifyWebhookOptions, FastifyWebhookRouteOptions } from './options.js'
export { hookguard, hookguard as default } from './plugin.js'
