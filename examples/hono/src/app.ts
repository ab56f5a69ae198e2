import type { SecretInput } from '@hookguard/core'
import { type HonoWebhookOptions, webhook } from '@hookguard/hono'
import { Hono } from 'hono'

/** The event this receiver acts on. */
export interface OrderCreated {
  id: string
  type: 'order.created'
  created: number
  apiVersion: string
  data: { object: { id: string; amount: number; currency: string } }
}

/** Anything else the sender may send: acknowledged and ignored. */
export interface OtherEvent {
  id: string
  type: string
  created: number
  apiVersion: string
  data: { object: unknown }
}

export type ShopEvent = OrderCreated | OtherEvent

/** Used when `WEBHOOK_SECRET` is unset, so `npm start` works out of the box. Never deploy it. */
export const DEV_SECRET = 'whsec_hookguard_example_dev_only'

/**
 * The signing secrets from `WEBHOOK_SECRET`, comma-separated while rotating (`new,old`):
 * a signature by any of them passes.
 */
export function secretsFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  const secrets = (env.WEBHOOK_SECRET ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '')
  return secrets.length > 0 ? secrets : [DEV_SECRET]
}

export interface CreateAppOptions extends Omit<HonoWebhookOptions, 'secret'> {
  secret: SecretInput
  /** What fulfilling an order means here; default logs it. */
  fulfil?: (order: OrderCreated['data']['object'], event: OrderCreated) => void | Promise<void>
}

/** The example receiver: `POST /webhooks` verifies, then handles `order.created` once per event id. */
export function createApp(options: CreateAppOptions): Hono {
  const {
    fulfil = (order, event) => console.log(`fulfilling order ${order.id} (event ${event.id})`),
    ...webhookOptions
  } = options
  const app = new Hono()

  app.get('/health', (c) => c.text('ok'))

  // With `on` handlers the middleware answers the sender itself: 200 once the event is claimed,
  // then the handler runs (under waitUntil on Workers); other types are acknowledged and ignored.
  app.post(
    '/webhooks',
    webhook<ShopEvent>({
      ...webhookOptions,
      on: {
        'order.created': (event) =>
          fulfil((event as OrderCreated).data.object, event as OrderCreated),
      },
    }),
  )

  return app
}

export const app = createApp({ secret: secretsFromEnv() })
