import { WebhookVerificationError } from '@hookguard/core'
import { createReceiver, type Outcome, RequestAbortedError } from '@hookguard/core/adapter'
import { startBackground } from './background.js'
import { readBody } from './body.js'
import { checkHandlerOptions, type WebhookHandlerOptions } from './options.js'
import { jsonResponse, rejection } from './respond.js'

/**
 * A `(request, context?) => Promise<Response>` handler that reads the raw body within
 * `maxBodyBytes`, verifies it and then either processes the event with `on` handlers (answering
 * the sender itself, per core's table of answers) or hands it to your `handler`. A rejected
 * request gets `error.status` with JSON `{ error, code }`. Runs wherever `Request` and `Response`
 * do: Next.js route handlers, Bun.serve, Deno.serve, Cloudflare Workers, Remix, SvelteKit.
 *
 * `context` is the handler's second argument on your platform; when it has a `waitUntil` (a
 * Workers `ctx`), `ack: 'before'` work runs under it.
 *
 * @example
 * // app/api/webhooks/route.ts (Next.js App Router)
 * import { after } from 'next/server'
 * export const POST = webhookHandler<OrderEvent>({
 *   secret: process.env.WEBHOOK_SECRET!,
 *   on: { 'order.created': (event) => fulfil(event.data.object) },
 *   waitUntil: after,
 * })
 */
export function webhookHandler<TEvent = unknown, TContext = unknown>(
  options: WebhookHandlerOptions<TEvent, TContext>,
): (request: Request, context?: TContext) => Promise<Response> {
  checkHandlerOptions(options as WebhookHandlerOptions<never, never>)
  // The whole object goes to core, so options core learns later reach every request unchanged.
  const receiver = createReceiver(options)
  const { handler, onError, waitUntil } = options

  return async function hookguardWebhook(request, context) {
    let outcome: Outcome
    try {
      const payload = await readBody(request, receiver.maxBodyBytes, receiver.bodyTimeoutMs)
      outcome = await receiver.receive({
        payload,
        headers: request.headers,
        url: request.url,
        method: request.method,
      })
    } catch (error) {
      if (error instanceof RequestAbortedError) {
        // Nobody is left to read an answer; one line, no stack: it happens whenever a client gives up.
        const { status, body } = receiver.aborted(error)
        return jsonResponse(status, body)
      }
      // Anything else is a bug: the platform's own error handling owns it.
      if (!(error instanceof WebhookVerificationError)) throw error
      return onError ? onError(error, request) : rejection(error)
    }
    if (outcome.action === 'next') {
      // checkHandlerOptions guarantees a handler whenever core hands over.
      return (handler as NonNullable<typeof handler>)(
        outcome.webhook.event as TEvent,
        request,
        context,
      )
    }
    const response = jsonResponse(outcome.status, outcome.body, outcome.headers)
    if (outcome.background) startBackground(outcome.background, waitUntil, context)
    return response
  }
}
