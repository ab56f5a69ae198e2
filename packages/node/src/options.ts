import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WebhookVerificationError } from '@hookguard/core'
import type { ReceiverOptions } from '@hookguard/core/adapter'

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

function optionalFunction(options: object, name: string, shape: string): void {
  const value = (options as Record<string, unknown>)[name]
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`webhookHandler(options): ${name} must be a function ${shape}`)
  }
}

/** Validates the options only this package reads; core's `createReceiver` checks the rest. */
export function checkHandlerOptions(options: WebhookHandlerOptions<never>): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('webhookHandler(options): options must be an object with at least a secret')
  }
  optionalFunction(options, 'handler', '(event, req, res) => void')
  optionalFunction(options, 'onError', '(error, req, res) => void')
  const answersItself =
    options.on !== undefined || (options as { inbox?: unknown }).inbox !== undefined
  if (answersItself && options.handler !== undefined) {
    throw new TypeError(
      'webhookHandler(options): give either on handlers (hookguard answers and processes) ' +
        'or a handler (you answer), not both',
    )
  }
}
