import type { FastifyContextConfig, FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { restoreBodyHeaders } from './body-headers.js'
import { webhookHooks } from './hooks.js'
import {
  checkPluginOptions,
  type FastifyWebhookOptions,
  type FastifyWebhookRouteOptions,
  type RouteWebhook,
  routeWebhook,
} from './options.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified event on a route with `config: { webhook }`; `null` on other routes. */
    webhook: unknown
  }
  interface FastifyContextConfig {
    /** Opt the route in to webhook verification: `true`, or options merged over the plugin's. */
    webhook?: boolean | FastifyWebhookRouteOptions
  }
}

// Set on the config of every route the plugin wired, to the route's receiver: a second
// registration (say in a child context) then replaces the options instead of verifying twice,
// and the guard below tells a wired route from one the plugin never saw.
const WIRED = Symbol('hookguard.fastify.route')
type WiredConfig = FastifyContextConfig & { [WIRED]?: RouteWebhook }

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

function notWired(request: FastifyRequest): Error {
  const { method, url } = request.routeOptions
  return Object.assign(
    new Error(
      `@hookguard/fastify: route ${method} ${url} has config.webhook but was created before the ` +
        'plugin was registered, so nothing verifies it. Register the plugin first: ' +
        'await app.register(hookguard, { secret }), then declare the route.',
    ),
    { statusCode: 500 },
  )
}

const plugin: FastifyPluginAsync<FastifyWebhookOptions> = async (fastify, options) => {
  const pluginOptions = checkPluginOptions(options)
  if (!fastify.hasRequestDecorator('webhook')) fastify.decorateRequest('webhook', null)

  fastify.addHook('onRoute', (routeOptions) => {
    const config: WiredConfig = routeOptions.config ?? {}
    const setting: unknown = config.webhook
    if (setting === undefined || setting === false) return
    const method = asArray(routeOptions.method).join(',')
    const route = routeWebhook(pluginOptions, setting, `${method} ${routeOptions.url}`)
    const wired = config[WIRED]
    if (wired) {
      // The innermost registration's options win.
      Object.assign(wired, route)
      return
    }
    const marked: WiredConfig = { ...routeOptions.config, [WIRED]: route }
    routeOptions.config = marked
    const hooks = webhookHooks(route)
    // Last preParsing hook: a decompressing hook may still run first, and Fastify's body step
    // follows ours directly. First preValidation hook of the route: see hooks.ts.
    routeOptions.preParsing = [...asArray(routeOptions.preParsing), hooks.preParsing]
    routeOptions.preValidation = [hooks.preValidation, ...asArray(routeOptions.preValidation)]
  })

  // The app's first preValidation hook (the plugin registers before the routes it serves), so
  // every later hook sees the body headers Fastify's body step was shown without.
  fastify.addHook('preValidation', (request, _reply, done) => {
    restoreBodyHeaders(request)
    done()
  })

  // Fails closed for a route declared before the plugin loaded (say after an un-awaited
  // register): Fastify applies this context's hooks to it, but onRoute never saw it.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const config: WiredConfig = request.routeOptions.config
    if (config.webhook && !config[WIRED]) done(notWired(request))
    else done()
  })
}

/**
 * The hookguard Fastify plugin (Fastify 4 and 5). Routes opt in with `config: { webhook: true }`
 * or an object of options merged over the plugin's; the plugin reads such a route's raw body
 * itself (any content type, within `maxBodyBytes`), verifies it and sets `request.webhook`
 * (and `request.body`) to the event. Other routes' body parsing is untouched. Register it before
 * the routes it should see.
 *
 * @example
 * await app.register(hookguard, { secret: process.env.WEBHOOK_SECRET! })
 * app.post('/webhooks', { config: { webhook: true } }, async (request) => {
 *   console.log('verified', request.webhook)
 *   return { received: true }
 * })
 */
export const hookguard = fp(plugin, { fastify: '4.x || 5.x', name: '@hookguard/fastify' })
