import type { AckMode, IdempotencyStore } from '@hookguard/core'
import { webhook } from '@hookguard/express'
import express, { type Express } from 'express'

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
}

async function logOrder(event: ShopEvent): Promise<void> {
  console.log(`order ${event.data.object.id} created (event ${event.id})`)
}

/**
 * The example receiver: `POST /webhooks` verifies and handles events, `POST /api/echo` is an
 * ordinary JSON route, to show that other routes keep their own body parsing.
 */
export function createApp(options: AppOptions = { secret: secretsFromEnv() }): Express {
  const onOrderCreated = options.onOrderCreated ?? logOrder
  const app = express()

  // Registered before express.json(), so hookguard reads the raw body itself. With `on`
  // handlers it answers the sender itself: duplicates are acknowledged without running again.
  app.post(
    '/webhooks',
    webhook<ShopEvent>({
      secret: options.secret,
      ...(options.store ? { store: options.store } : {}),
      ...(options.ack ? { ack: options.ack } : {}),
      on: { 'order.created': (event) => onOrderCreated(event) },
    }),
  )

  app.use(express.json())
  app.post('/api/echo', (req, res) => {
    res.json({ echo: req.body })
  })

  return app
}

export const app = createApp()
