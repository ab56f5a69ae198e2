import type { IncomingMessage, ServerResponse } from 'node:http'
import { WebhookVerificationError } from '@hookguard/core'
import {
  createReceiver,
  errorResponse,
  type Outcome,
  RequestAbortedError,
  runAfterResponse,
} from '@hookguard/core/adapter'
import { checkHandlerOptions, type WebhookHandlerOptions, type WebhookRequest } from './options.js'
import { readRawBody } from './raw-body.js'
import { sendJson } from './respond.js'

/** Connect's `next`: no argument to go on, an error to hand to the error handlers. */
export type NextFunction = (error?: unknown) => void

/** The URL as the request arrived; Connect's `originalUrl` keeps a mount path it stripped. */
function requestUrl(req: IncomingMessage): string {
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/'
  return `${protocol}://${req.headers.host ?? 'localhost'}${path}`
}

/**
 * A `(req, res, next?)` handler for node:http that reads the raw body within `maxBodyBytes`
 * (through core's stream reader), verifies it, and then either processes the event with `on`
 * handlers (answering the sender itself, per core's table of answers), calls your `handler`, or
 * calls `next()` with the event on `req.webhook` (Connect-style middleware). A rejected request
 * gets `error.status` with JSON `{ error, code }`. The returned promise settles once the request
 * is answered or handed on, and never rejects.
 *
 * Works as `http.createServer(handle)`, as Connect middleware, and as a Next.js Pages API route
 * (with Next's body parser off: `export const config = { api: { bodyParser: false } }`).
 *
 * @example
 * const handle = webhookHandler<OrderEvent>({
 *   secret: process.env.WEBHOOK_SECRET!,
 *   on: { 'order.created': (event) => fulfil(event.data.object) },
 * })
 * http.createServer(handle).listen(3000)
 */
export function webhookHandler<TEvent = unknown>(
  options: WebhookHandlerOptions<TEvent>,
): (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => Promise<void> {
  checkHandlerOptions(options as WebhookHandlerOptions<never>)
  // The whole object goes to core, so options core learns later reach every request unchanged.
  const receiver = createReceiver(options)
  const { handler, onError } = options
  const logger = options.logger ?? console

  /** A failure that is not a verification answer: Connect's error handlers, or 400/500 here. */
  function fail(error: unknown, res: ServerResponse, next: NextFunction | undefined): void {
    if (error instanceof RequestAbortedError) {
      // The client went away mid-body: one debug line, not the error handlers (Connect's print a
      // stack), and an answer only if the socket is still there to carry it.
      const { status, body } = receiver.aborted(error)
      if (!res.headersSent && !res.destroyed) sendJson(res, status, body)
      return
    }
    if (next) {
      next(error)
      return
    }
    logger.error({ code: 'ROUTE_FAILED', error }, '[hookguard] the webhook route failed')
    if (res.headersSent) res.destroy()
    else sendJson(res, 500, { error: 'The webhook handler failed', code: 'HANDLER_FAILED' })
  }

  async function reject(
    error: WebhookVerificationError,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const { status, body, headers } = errorResponse(error)
    for (const name in headers) res.setHeader(name, headers[name] as string)
    if (onError) {
      await onError(error, req, res)
      if (res.headersSent || res.writableEnded) return
    }
    sendJson(res, status, body)
  }

  async function deliver(
    outcome: Outcome,
    req: IncomingMessage,
    res: ServerResponse,
    next: NextFunction | undefined,
  ): Promise<void> {
    if (outcome.action === 'respond') {
      sendJson(res, outcome.status, outcome.body, outcome.headers)
      if (outcome.background) runAfterResponse(outcome.background)
      return
    }
    const verified = req as WebhookRequest<TEvent>
    verified.webhook = outcome.webhook.event as TEvent
    if (handler) await handler(verified.webhook, verified, res)
    else if (next) next()
    else {
      throw new TypeError(
        'webhookHandler({ secret }) has no on handlers and no handler, and was called without ' +
          'next(): give on handlers, a handler, or use it as Connect-style middleware',
      )
    }
  }

  return async function hookguardWebhook(req, res, next) {
    try {
      let outcome: Outcome
      try {
        const payload = await readRawBody(req, receiver.maxBodyBytes, receiver.bodyTimeoutMs)
        outcome = await receiver.receive({
          payload,
          headers: req.headers,
          url: requestUrl(req),
          method: req.method ?? 'POST',
        })
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error
        return await reject(error, req, res)
      }
      await deliver(outcome, req, res, next)
    } catch (error) {
      fail(error, res, next)
    }
  }
}
