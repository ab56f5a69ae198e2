import type { WebhookVerificationError } from '@hookguard/core'
import { checkHandlerChoice, type ReceiverOptions } from '@hookguard/core/adapter'

/**
 * Options of `webhookHandler()`: everything core's receiver takes (the `verify` options,
 * `maxBodyBytes`, and `on` with its processing options), plus what a bare `Request` handler needs.
 * Give `on` handlers (the handler answers and processes each event once) or a `handler` (it
 * verifies, then calls you to answer).
 *
 * @example
 * const options: WebhookHandlerOptions<OrderEvent> = {
 *   secret: process.env.WEBHOOK_SECRET!,
 *   on: { 'order.created': (event) => fulfil(event.data.object) },
 * }
 */
export interface WebhookHandlerOptions<TEvent = unknown, TContext = unknown>
  extends ReceiverOptions<TEvent> {
  /**
   * Answers a verified request yourself (without `on`): gets the event, the request (its body is
   * spent; the event is what it held) and the second argument the handler was called with.
   */
  handler?: (
    event: TEvent,
    request: Request,
    context: TContext | undefined,
  ) => Response | Promise<Response>
  /** Answers a rejected request yourself; default `error.status` with JSON `{ error, code }`. */
  onError?: (error: WebhookVerificationError, request: Request) => Response | Promise<Response>
  /**
   * Keeps the platform alive until `ack: 'before'` work settles, for platforms that do not pass a
   * `waitUntil` in the handler's second argument: Next.js's `after` (from `next/server`), Vercel's
   * `waitUntil` (from `@vercel/functions`). A Workers `ctx` passed as that argument is used as is.
   */
  waitUntil?: (task: Promise<unknown>) => void
}

/** Validates the options only this package reads; core's `createReceiver` checks the rest. */
export function checkHandlerOptions(options: WebhookHandlerOptions<never, never>): void {
  const answersItself = checkHandlerChoice(options, 'webhookHandler(options)', {
    handler: '(event, request, context) => Response',
    onError: '(error, request) => Response',
    waitUntil: '(promise) => void, such as after from next/server',
  })
  if (!answersItself && options.handler === undefined) {
    throw new TypeError(
      'webhookHandler(options): give on handlers (hookguard answers and processes each event) ' +
        'or a handler (event, request) => Response; to verify inside your own handler, use verifyRequest',
    )
  }
}
