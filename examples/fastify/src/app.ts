import type { AckMode, IdempotencyStore } from '@hookguard/core'
import hookguard from '@hookguard/fastify'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'

/** The events this shop receives (the default hookguard event shape). */
export interface ShopEvent {
  id: string
  type: string
  created: number
  data: { object: { id: string; total?: number } }
}

/** A dev-only secret so `npm start` works out of the box; set WEBHOOK_SECRET in production. */
export const DEV_SECRET = 'whsec_dev_only_do_not_use_in_production'

/**
 * The signing secrets from `WEBHOOK_SECRET`: comma-separated while rotating (`new,old`), so a
 * signature by either passes. Falls back to `DEV_SECRET` when unset.
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const secrets = (env.WEBHOOK_SECRET ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '')
  return secrets.length > 0 ? secrets : [DEV_SECRET]
}

export interface AppOptions {
  /** One secret, or several while rotating. */
  secret: string | string[]
  /** What to do with a verified `order.created` event; the default logs it. Runs once per event id. */
  onOrderCreated?: (event: ShopEvent) => void | Promise<void>
  /** Where claims live; default in memory (one process). Use a RedisIdempotencyStore for more. */
  store?: IdempotencyStore
  /** `'before'` (default): answer once claimed, then run. `'after'`: run, then answer. */
  ack?: AckMode
  /** Fastify's logger option; off by default, `server.ts` turns it on. */
  logger?: FastifyServerOptions['logger']
}

/**
 * The example receiver: `POST /webhooks` verifies and handles events, `POST /api/echo` is an
 * ordinary JSON route, to show that other routes keep Fastify's own body parsing.
 */
export function createApp(options: AppOptions = { secret: secretsFromEnv() }): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false })
  const onOrderCreated =
    options.onOrderCreated ??
    ((event: ShopEvent) => {
      app.log.info({ order: event.data.object.id, event: event.id }, 'order created')
    })

  // The webhook scope: every route in it is verified over its raw body (any content type) and,
  // with `on` handlers, claimed and answered by the plugin, once per event id.
  app.register(
    async (webhooks) => {
      await webhooks.register(hookguard, {
        secret: options.secret,
        ...(options.store ? { store: options.store } : {}),
        ...(options.ack ? { ack: options.ack } : {}),
        on: { 'order.created': (event) => onOrderCreated(event as ShopEvent) },
      })
      // POST /webhooks: the plugin answers; this handler only runs for requests it hands over
      // (none, with `on`).
      webhooks.post('/', async () => ({ received: true }))
    },
    { prefix: '/webhooks' },
  )

  // Outside the scope: Fastify's JSON parser, body limit and 400/415 answers as usual.
  app.post('/api/echo', async (request) => ({ echo: request.body }))

  return app
}

export const app = createApp()
