import type { Request } from 'express'

declare global {
  namespace Express {
    interface Request {
      /**
       * The verified event, set by `webhook()` (`unknown` until you narrow it, for example
       * with `webhookEvent<MyEvent>(req)`).
       */
      webhook?: unknown
    }
  }
}

// Marks requests webhook() verified, so a missing middleware is told apart from an event
// that is legitimately falsy.
const VERIFIED = Symbol.for('hookguard.express.verified')

/** Stores the verified event on the request. */
export function setWebhook(req: Request, event: unknown): void {
  req.webhook = event
  Object.defineProperty(req, VERIFIED, { value: true, configurable: true })
}

/**
 * The event `webhook()` verified for this request, typed as you declare it.
 * Throws a `TypeError` when `webhook()` did not run on this route (a wiring mistake).
 *
 * @example
 * app.post('/webhooks', webhook({ secret }), (req, res) => {
 *   const event = webhookEvent<{ id: string; type: string }>(req)
 *   res.json({ received: event.id })
 * })
 */
export function webhookEvent<T = unknown>(req: Request): T {
  if (!(VERIFIED in req)) {
    throw new TypeError('webhookEvent(req): webhook() did not run for this request')
  }
  return req.webhook as T
}
