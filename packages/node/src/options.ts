import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WebhookVerificationError } from '@hookguard/core'
import { checkHandlerChoice, type ReceiverOptions } from '@hookguard/core/adapter'

/**
 * A request `webhookHandler()` verified: the event is `req.webhook` when it calls `next()`.
 *
 * @example
 * app.use('/webhooks', webhookHandler({ secret }), (req: WebhookRequest<OrderEvent>, res) => {
 *   res.end(req.webhook.id)
 * })
 */
export type WebhookRequest<TEvent = unknown> = IncomingMessage & { webhook: TEvent }

/**
 * Options of `webhookHandler()`: everything core's receiver takes (the `verify` options,
 * `maxBodyBytes`, and `on` with its processing options), plus what a `(req, res)` server needs.
 * Without `on`, a verified request goes to `handler`, or to `next()` with `req.webhook` set.
 *
 * @example
 * const options: WebhookHandlerOptions<OrderEvent> = {
 *   secret: process.env.WEBHOOK_SECRET!,
 *   handler: (event, req, res) => res.end('ok'),
 * }
 */
export interface WebhookHandlerOptions<TEvent = unknown> extends ReceiverOptions<TEvent> {
  /** Answers a verified request yourself, with `res` (without `on`). */
  handler?: (event: TEvent, req: WebhookRequest<TEvent>, res: ServerResponse) => unknown
  /**
   * Called instead of the default `{ error, code }` answer when verification fails. If it has
   * not answered by the time it returns (or its promise settles), the default answer is sent.
   */
  onError?: (error: WebhookVerificationError, req: IncomingMessage, res: ServerResponse) => unknown
}

/** Validates the options only this package reads; core's `createReceiver` checks the rest. */
export function checkHandlerOptions(options: WebhookHandlerOptions<never>): void {
  checkHandlerChoice(options, 'webhookHandler(options)', {
    handler: '(event, req, res) => void',
    onError: '(error, req, res) => void',
  })
}
