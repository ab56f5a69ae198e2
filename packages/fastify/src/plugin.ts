import { WebhookVerificationError } from '@hookguard/core'
import {
  bodyStreamTaken,
  checkBodyTimeout,
  checkMaxBodyBytes,
  readNodeStream,
} from '@hookguard/core/adapter'
import type {
  FastifyContextConfig,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  preParsingHookHandler,
} from 'fastify'
import fp from 'fastify-plugin'
import {
  checkPluginOptions,
  type FastifyWebhookOptions,
  type FastifyWebhookRouteOptions,
  type RouteWebhook,
  routeWebhook,
} from './options.js'
import { errorHandler, RefusedBody, rawBodyUnavailable, verifyHook } from './route-hooks.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified event on a route in the plugin's scope. */
    webhook: unknown
  }
  interface FastifyContextConfig {
    /** A webhook route's own options, merged over the plugin's (`true`: the plugin's as they are). */
    webhook?: true | FastifyWebhookRouteOptions
  }
}

// Set on the config of every route the plugin wired, to the route's receiver: a second
// registration (in a child scope) then replaces the options instead of verifying twice, and the
// guard below tells a wired route from one the plugin never saw.
const WIRED = Symbol('hookguard.fastify.route')
type WiredConfig = FastifyContextConfig & { [WIRED]?: RouteWebhook }

// The guard hands the route it found on to the scope's parser on the request itself:
// `request.routeOptions` builds (and freezes) a new object on every read.
const ROUTE = Symbol('hookguard.fastify.request-route')
type GuardedRequest = FastifyRequest & { [ROUTE]: RouteWebhook | null }

/** The body stream a content-type parser gets (the request, or a preParsing hook's stream). */
type RawPayload = Parameters<preParsingHookHandler>[2]

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

function notWired(request: FastifyRequest): Error {
  const { method, url } = request.routeOptions
  return Object.assign(
    new Error(
      `@hookguard/fastify: route ${method} ${url} was declared before the plugin was registered ` +
        'in its scope, so nothing verifies it. Fix: await webhooks.register(hookguard, { secret }) ' +
        'before declaring the routes.',
    ),
    { statusCode: 500 },
  )
}

// Runs on the routes of the plugin's scope only, and every one of them is a webhook route.
// Fails closed for a route the plugin never wired, and refuses a body stream that an earlier
// hook already read instead of waiting forever for bytes that will not come.
const hookguardBodyGuard: preParsingHookHandler = (request, _reply, payload, done) => {
  if (request.is404) return done(null, payload)
  const route = (request.routeOptions.config as WiredConfig)[WIRED]
  if (!route) return done(notWired(request))
  if (bodyStreamTaken(payload)) return done(rawBodyUnavailable())
  ;(request as GuardedRequest)[ROUTE] = route
  done(null, payload)
}

const plugin: FastifyPluginAsync<FastifyWebhookOptions> = async (fastify, options) => {
  // Failures nobody answers (a handler's last retry, a store that would not complete) are logged
  // through Fastify's logger unless the options name another.
  const checked = checkPluginOptions(options)
  const pluginOptions = { ...checked, logger: checked.logger ?? fastify.log }
  // Every route's receiver, so `fastify.close()` drains their handlers (see `close()` in core).
  const receivers = new Set<RouteWebhook['receiver']>()
  fastify.addHook('onClose', async () => {
    const timeoutMs = pluginOptions.closeTimeoutMs
    const options = timeoutMs === undefined ? undefined : { timeoutMs }
    await Promise.all([...receivers].map((receiver) => receiver.close(options)))
  })
  if (!fastify.hasRequestDecorator('webhook')) fastify.decorateRequest('webhook', null)
  if (!fastify.hasRequestDecorator(ROUTE)) fastify.decorateRequest(ROUTE, null)

  // The scope's only parser: every content type, and none, arrives as the raw bytes, read by core's
  // reader within the route's `maxBodyBytes` and `bodyTimeoutMs`. A body refused for its size or
  // its deadline is handed on as a RefusedBody, not as a parser error: Fastify closes the
  // connection after a parser error, which resets a sender still uploading before it reads the
  // 413, while core reads the rest away within its bounds.
  const scopeMaxBytes = checkMaxBodyBytes(pluginOptions.maxBodyBytes)
  const scopeTimeoutMs = checkBodyTimeout(pluginOptions.bodyTimeoutMs)
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', async (request: FastifyRequest, payload: RawPayload) => {
    const receiver = (request as GuardedRequest)[ROUTE]?.receiver
    try {
      const bytes = await readNodeStream(payload, receiver?.maxBodyBytes ?? scopeMaxBytes, {
        declaredLength: request.headers['content-length'],
        timeoutMs: receiver?.bodyTimeoutMs ?? scopeTimeoutMs,
      })
      return Buffer.isBuffer(bytes)
        ? bytes
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    } catch (error) {
      if (error instanceof WebhookVerificationError) return new RefusedBody(error)
      throw error
    }
  })

  fastify.addHook('onRoute', (routeOptions) => {
    const config: WiredConfig = routeOptions.config ?? {}
    const name = `${asArray(routeOptions.method).join(',')} ${routeOptions.url}`
    const route = routeWebhook(pluginOptions, config.webhook, name)
    receivers.add(route.receiver)
    const wired = config[WIRED]
    if (wired) {
      // Registered again in a child scope (or the HEAD twin of a GET route): the innermost
      // registration's options win, and the hooks already in place read them.
      Object.assign(wired, route)
      routeOptions.bodyLimit = route.receiver.maxBodyBytes // why: see below
      return
    }
    if (routeOptions.bodyLimit !== undefined) {
      throw new TypeError(
        `@hookguard/fastify, route ${name}: set a webhook route's body limit with ` +
          'config.webhook.maxBodyBytes, not bodyLimit',
      )
    }
    routeOptions.config = { ...config, [WIRED]: route } as WiredConfig
    // The scope's parser never reads bodyLimit (core's reader holds maxBodyBytes); only Fastify's
    // `parseAs` parsers do. A `parseAs: 'buffer'` parser someone adds in the scope hands on a
    // Buffer that is verified as the raw body, and would otherwise hold the server's bodyLimit
    // (1 MiB by default) instead of maxBodyBytes. Its 413 gets hookguard's answer in errorHandler.
    // body-limit.test.ts shows both over a real socket.
    routeOptions.bodyLimit = route.receiver.maxBodyBytes
    // First among the route's own preValidation hooks: they, the body schema and the handler see
    // the event.
    const hookguardVerify = (request: FastifyRequest, reply: FastifyReply) =>
      verifyHook(route, request, reply)
    routeOptions.preValidation = [hookguardVerify, ...asArray(routeOptions.preValidation)]
    routeOptions.errorHandler = errorHandler(route, routeOptions.errorHandler)
  })

  fastify.addHook('preParsing', hookguardBodyGuard)
}

/**
 * The hookguard Fastify plugin (Fastify 4 and 5). Register it in the scope that holds your
 * webhook routes: every route of that scope is verified over its exact raw body (any content
 * type, within `maxBodyBytes`), and `request.webhook` (and `request.body`) is the event. A route
 * may merge its own options over the plugin's in `config.webhook`. Routes outside the scope keep
 * Fastify's own parsing.
 *
 * @example
 * await app.register(
 *   async (webhooks) => {
 *     await webhooks.register(hookguard, { secret: process.env.WEBHOOK_SECRET! })
 *     webhooks.post('/orders', async (request) => {
 *       console.log('verified', request.webhook)
 *       return { received: true }
 *     })
 *   },
 *   { prefix: '/webhooks' },
 * )
 */
export const hookguard = fp(plugin, { fastify: '4.x || 5.x', name: '@hookguard/fastify' })
