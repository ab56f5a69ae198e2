import type { SecretInput, WebhookVerificationError } from '@hookguard/core'
import { createReceiver, type Receiver, type ReceiverOptions } from '@hookguard/core/adapter'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Options of the plugin: everything core's receiver takes (`secret`, `scheme`, `toleranceSeconds`,
 * `now`, `maxBodyBytes`, and `on` with the processing options), plus `onError`. `secret` may be
 * left to the routes, for an app with one secret per sender.
 *
 * @example
 * await webhooks.register(hookguard, {
 *   secret: [process.env.NEW_SECRET!, process.env.OLD_SECRET!],
 *   maxBodyBytes: 256 * 1024,
 *   onError: (error, request, reply) => reply.code(error.status).send({ code: error.code }),
 * })
 */
export interface FastifyWebhookOptions extends Omit<ReceiverOptions, 'secret'> {
  /** The signing secret; several while rotating. Required here or in every route's options. */
  secret?: SecretInput
  /**
   * Answers a rejected webhook yourself (log it, change the body). Send with `reply` to take over;
   * if nothing was sent once it returns (or its promise settles), the default
   * `error.status` with `{ error, code }` goes out. A throw goes to Fastify's error handler.
   */
  onError?: (
    error: WebhookVerificationError,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => unknown
  /**
   * How long `fastify.close()` waits for running handlers before handing the rest to
   * `onDeadLetter` with `reason: 'shutdown'`; default 10 s (see core's `close()`). Plugin-level only.
   */
  closeTimeoutMs?: number
}

/**
 * A route's own options in `config: { webhook: { … } }`, merged over the plugin's.
 *
 * @example
 * webhooks.post('/billing', { config: { webhook: { secret: billingSecret, maxBodyBytes: 64 * 1024 } } }, handler)
 */
export type FastifyWebhookRouteOptions = FastifyWebhookOptions

/** What a webhook route runs with: its receiver and its error hook. */
export interface RouteWebhook {
  receiver: Receiver
  onError: FastifyWebhookOptions['onError']
}

// Validation only: lets the plugin's options be checked before a route supplies the secret or `on`.
const PLACEHOLDER_SECRET = 'hookguard-validation-only'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function prefixed(error: unknown, where: string): unknown {
  return error instanceof TypeError
    ? new TypeError(`${where}: ${error.message}`, { cause: error })
    : error
}

function checkOnError(onError: unknown, where: string): void {
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${where}: onError must be a function (error, request, reply) => …`)
  }
}

/**
 * Validates the plugin's options at registration. What only a route can complete (a missing
 * `secret`, `on`) is checked again, merged, when each webhook route is created.
 */
export function checkPluginOptions(options: unknown): FastifyWebhookOptions {
  const where = '@hookguard/fastify'
  if (!isPlainObject(options)) {
    throw new TypeError(`${where}: options must be an object, e.g. { secret }`)
  }
  const { onError, closeTimeoutMs, ...rest } = options as FastifyWebhookOptions
  checkOnError(onError, where)
  if (
    closeTimeoutMs !== undefined &&
    !(typeof closeTimeoutMs === 'number' && closeTimeoutMs >= 0)
  ) {
    throw new TypeError(`${where}: closeTimeoutMs must be a number >= 0`)
  }
  try {
    createReceiver({ ...rest, secret: rest.secret ?? PLACEHOLDER_SECRET, on: rest.on ?? {} })
  } catch (error) {
    throw prefixed(error, where)
  }
  return options as FastifyWebhookOptions
}

function definedEntries(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
}

/**
 * Builds one route's receiver from the plugin's options and the route's `config.webhook`
 * (absent or `true`: the plugin's options; an object: merged over them). Misuse is a `TypeError`
 * naming the route.
 */
export function routeWebhook(
  pluginOptions: FastifyWebhookOptions,
  setting: unknown,
  route: string,
): RouteWebhook {
  const where = `@hookguard/fastify, route ${route}`
  if (setting !== undefined && setting !== true && !isPlainObject(setting)) {
    throw new TypeError(
      `${where}: config.webhook must be true or an object of options. Every route in the ` +
        "plugin's scope is a webhook route: declare other routes outside that scope",
    )
  }
  const merged: FastifyWebhookOptions = isPlainObject(setting)
    ? { ...pluginOptions, ...definedEntries(setting) }
    : pluginOptions
  const { onError, secret, closeTimeoutMs: _closeTimeoutMs, ...rest } = merged
  checkOnError(onError, where)
  if (secret === undefined) {
    throw new TypeError(
      `${where}: no secret; pass { secret } to the plugin or in the route's config.webhook`,
    )
  }
  try {
    return { receiver: createReceiver({ ...rest, secret }), onError }
  } catch (error) {
    throw prefixed(error, where)
  }
}
