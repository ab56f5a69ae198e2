/**
 * The variables `webhook()` sets on the context: `c.get('webhook')` is the verified event.
 *
 * @example
 * const app = new Hono<{ Variables: WebhookVariables<OrderEvent> }>()
 */
export type WebhookVariables<TEvent = unknown> = { webhook: TEvent }

/**
 * The Hono `Env` of a route guarded by `webhook()`; the middleware carries it, so handlers after it
 * see `c.get('webhook')` typed without declaring anything.
 *
 * @example
 * const handle = (c: Context<WebhookEnv<OrderEvent>>) => c.json({ id: c.get('webhook').id })
 */
export type WebhookEnv<TEvent = unknown> = { Variables: WebhookVariables<TEvent> }
