import type { CloseOptions } from '@hookguard/core'
import { WebhookVerificationError } from '@hookguard/core'
import {
  createReceiver,
  errorResponse,
  type Outcome,
  RequestAbortedError,
} from '@hookguard/core/adapter'
import type { MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { checkHonoOptions, type HonoWebhookOptions } from './options.js'
import { type RawBodySource, readRawBody } from './raw-body.js'
import { sendOutcome } from './respond.js'
import type { WebhookEnv } from './types.js'

/**
 * Text decoding drops a byte-order mark and replaces invalid UTF-8, so a body taken from Hono's
 * text cache can differ from what was signed: say so, or the mismatch looks like a forgery.
 */
function explain(error: WebhookVerificationError, source: RawBodySource | undefined) {
  if (error.code !== 'INVALID_SIGNATURE' || source !== 'cached-text') return error
  return new WebhookVerificationError(
    'INVALID_SIGNATURE',
    `${error.message}. The body was taken from Hono's text cache because an earlier middleware read it ` +
      'as text or JSON; if the sender sent a byte-order mark or invalid UTF-8, decoding changed those bytes. ' +
      'Register webhook() before that middleware to verify the bytes exactly as received',
    { cause: error },
  )
}

/**
 * The middleware `webhook()` returns, with `close()` for a graceful shutdown: new deliveries get
 * `503 SHUTTING_DOWN`, running handlers get `timeoutMs` (default 10 s) to finish, and events that
 * cannot go to `onDeadLetter` with `reason: 'shutdown'`.
 *
 * @example
 * const hook = webhook({ secret, on })
 * app.post('/webhooks', hook)
 * process.once('SIGTERM', () => void hook.close())
 */
export type WebhookMiddleware<TEvent = unknown> = MiddlewareHandler<WebhookEnv<TEvent>> & {
  close(options?: CloseOptions): Promise<void>
}

/**
 * Hono middleware that verifies a webhook over its raw body and exposes the event as
 * `c.get('webhook')`. A rejected request is answered `error.status` with `{ error, code }`.
 * The body stays readable afterwards through `c.req.text()`, `c.req.json()` and `c.req.arrayBuffer()`.
 * With `on` handlers it answers itself and runs each event once (see `ack` and `store`).
 *
 * @example
 * app.post('/webhooks', webhook<OrderEvent>({ secret: process.env.WEBHOOK_SECRET! }), (c) => {
 *   const event = c.get('webhook')
 *   return c.json({ received: true, id: event.id })
 * })
 */
export function webhook<TEvent = unknown>(
  options: HonoWebhookOptions<TEvent>,
): WebhookMiddleware<TEvent> {
  // The whole object goes to core, so options core learns later reach every request unchanged.
  const receiver = createReceiver(options)
  checkHonoOptions(options)
  const { onError } = options

  const middleware: MiddlewareHandler<WebhookEnv<TEvent>> = async function hookguardWebhook(
    c,
    next,
  ) {
    let source: RawBodySource | undefined
    let outcome: Outcome
    try {
      const body = await readRawBody(c.req, receiver.maxBodyBytes, receiver.bodyTimeoutMs)
      source = body.source
      outcome = await receiver.receive({
        payload: body.bytes,
        headers: c.req.raw.headers,
        url: c.req.url,
        method: c.req.method,
      })
    } catch (error) {
      if (error instanceof RequestAbortedError) {
        // The client went away mid-body: one debug line, not Hono's error handler (which prints a
        // stack and answers 500).
        const { status, body } = receiver.aborted(error)
        return c.json(body, status as ContentfulStatusCode)
      }
      // Anything else is a bug: Hono's own error handling owns it.
      if (!(error instanceof WebhookVerificationError)) throw error
      const rejected = explain(error, source)
      const { status, body, headers } = errorResponse(rejected)
      // Set on the context, so an onError answer made with c.json() or c.text() carries them too.
      for (const name in headers) c.header(name, headers[name])
      if (onError) return onError(rejected, c)
      return c.json(body, status as ContentfulStatusCode)
    }
    if (outcome.webhook) c.set('webhook', outcome.webhook.event as TEvent)
    if (outcome.action === 'respond') return sendOutcome(c, outcome)
    await next()
  }
  return Object.assign(middleware, { close: (o?: CloseOptions) => receiver.close(o) })
}
