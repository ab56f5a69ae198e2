import type { BullInbox } from '@hookguard/bullmq'
import type { AckMode, CloseOptions, Handlers, IdempotencyStore } from '@hookguard/core'
import { webhook } from '@hookguard/express'
import express, { type Express } from 'express'
import { mountDashboard } from './dashboard.js'
import { mountMetrics, type WebhookMetrics, webhookMetrics } from './metrics.js'

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
  /**
   * The durable mode: store each verified event in this BullMQ inbox before the 200 and let
   * workers (`createWorker({ on: shopHandlers() })`) run the handlers; mounts bull-board at
   * `/admin/queues`. Without it, handlers run in this process.
   */
  inbox?: BullInbox
  /** Where `/metrics` reads from; default a fresh set. Share it with a worker's `onOutcome`. */
  metrics?: WebhookMetrics
}

/** The example app: Express, plus `closeWebhooks` for a graceful shutdown (SIGTERM). */
export type ExampleApp = Express & { closeWebhooks(options?: CloseOptions): Promise<void> }

export async function logOrder(event: ShopEvent): Promise<void> {
  console.log(`order ${event.data.object.id} created (event ${event.id})`)
}

/** The handlers, in this process or in a worker: the same routing either way. */
export function shopHandlers(
  onOrderCreated: (event: ShopEvent) => void | Promise<void> = logOrder,
): Handlers<ShopEvent> {
  return { 'order.created': (event) => onOrderCreated(event) }
}

/**
 * The example receiver: `POST /webhooks` verifies and handles events, `POST /api/echo` is an
 * ordinary JSON route, to show that other routes keep their own body parsing.
 */
export function createApp(options: AppOptions = { secret: secretsFromEnv() }): ExampleApp {
  const metrics = options.metrics ?? webhookMetrics()
  const app = express()

  // Registered before express.json(), so hookguard reads the raw body itself. It answers the
  // sender itself: duplicates are acknowledged without running again.
  const hook = webhook<ShopEvent>({
    secret: options.secret,
    onOutcome: metrics.onOutcome,
    ...(options.inbox
      ? { inbox: options.inbox }
      : {
          on: shopHandlers(options.onOrderCreated),
          ...(options.store ? { store: options.store } : {}),
          ...(options.ack ? { ack: options.ack } : {}),
        }),
  })
  app.post('/webhooks', hook)
  mountMetrics(app, metrics)
  if (options.inbox) mountDashboard(app, options.inbox)

  app.use(express.json())
  app.post('/api/echo', (req, res) => {
    res.json({ echo: req.body })
  })

  return Object.assign(app, { closeWebhooks: (close?: CloseOptions) => hook.close(close) })
}

export const app = createApp()
