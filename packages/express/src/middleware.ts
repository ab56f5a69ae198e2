import { type CloseOptions, WebhookVerificationError } from '@hookguard/core'
import {
  createReceiver,
  errorResponse,
  type Outcome,
  type ReceiverOptions,
  RequestAbortedError,
  runAfterResponse,
} from '@hookguard/core/adapter'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { readRawBody } from './raw-body.js'
import { setWebhook } from './request.js'

/**
 * Options for `webhook()`: everything core's receiver takes (`secret`, `scheme`,
 * `toleranceSeconds`, `now`, `maxBodyBytes` and the processing options), plus `onError`.
 *
 * @example
 * const options: ExpressWebhookOptions = {
 *   secret: [process.env.NEW_SECRET!, process.env.OLD_SECRET!],
 *   maxBodyBytes: 256 * 1024,
 *   onError: (error, req, res) => res.status(error.status).json({ code: error.code }),
 * }
 */
export interface ExpressWebhookOptions<TEvent = unknown> extends ReceiverOptions<TEvent> {
  /**
   * Called instead of the default `{ error, code }` response when verification fails.
   * Answer with `res`, or call `next(error)` to use Express's error handlers; if it does neither
   * before it returns (or its promise settles), the default response is sent.
   */
  onError?: (
    error: WebhookVerificationError,
    req: Request,
    res: Response,
    next: NextFunction,
  ) => unknown
}

/**
 * The middleware `webhook()` returns, with `close()` for a graceful shutdown: new deliveries get
 * `503 SHUTTING_DOWN`, running handlers get `timeoutMs` (default 10 s) to finish, and events that
 * cannot go to `onDeadLetter` with `reason: 'shutdown'`.
 *
 * @example
 * const hook = webhook({ secret, on })
 * app.post('/webhooks', hook)
 * process.once('SIGTERM', () => server.close(() => void hook.close({ timeoutMs: 10_000 })))
 */
export type WebhookMiddleware = RequestHandler & {
  close(options?: CloseOptions): Promise<void>
}

/**
 * Express middleware that reads the raw body (within `maxBodyBytes`), verifies it and sets
 * `req.webhook` to the event. A rejected request gets `error.status` with JSON `{ error, code }`.
 * Works on Express 4 and 5, as route middleware or with `app.use`.
 *
 * @example
 * app.post('/webhooks', webhook({ secret: process.env.WEBHOOK_SECRET! }), (req, res) => {
 *   console.log('verified', req.webhook)
 *   res.json({ received: true })
 * })
 */
export function webhook<TEvent = unknown>(
  options: ExpressWebhookOptions<TEvent>,
): WebhookMiddleware {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('webhook(options): options must be an object with at least a secret')
  }
  const { onError, ...receiverOptions } = options
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError('webhook(options): onError must be a function')
  }
  const receiver = createReceiver(receiverOptions)

  const middleware: RequestHandler = function hookguardWebhook(req, res, next) {
    // Express must see exactly one of: a response, next(), or next(error).
    let handedOver = false
    const nextOnce: NextFunction = (error?: unknown) => {
      if (handedOver) return
      handedOver = true
      next(error)
    }
    const answered = () => handedOver || res.headersSent

    readRawBody(req, receiver.maxBodyBytes, receiver.bodyTimeoutMs)
      .then((payload) =>
        receiver.receive({
          payload,
          headers: req.headers,
          url: requestUrl(req),
          method: req.method,
        }),
      )
      .then(
        (outcome) => deliver(outcome, req, res, nextOnce),
        async (error: unknown) => {
          if (error instanceof RequestAbortedError) {
            // The client went away mid-body: one debug line, not Express's error handlers (which
            // print a stack), and an answer only if the socket is still there to carry it.
            const { status, body } = receiver.aborted(error)
            if (!res.destroyed && !res.headersSent) res.status(status).json(body)
            return
          }
          if (!(error instanceof WebhookVerificationError)) return nextOnce(error)
          const { status, body, headers } = errorResponse(error)
          res.set(headers)
          if (onError) {
            await onError(error, req, res, nextOnce)
            if (answered()) return
          }
          res.status(status).json(body)
        },
      )
      .catch((error: unknown) => {
        if (!answered()) nextOnce(error)
      })
  }
  return Object.assign(middleware, { close: (o?: CloseOptions) => receiver.close(o) })
}

/** The URL as the sender called it, as far as Express knows (`trust proxy` decides the protocol). */
function requestUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`
}

function deliver(outcome: Outcome, req: Request, res: Response, next: NextFunction): void {
  if (outcome.action === 'next') {
    setWebhook(req, outcome.webhook.event)
    next()
    return
  }
  if (outcome.webhook) setWebhook(req, outcome.webhook.event)
  res.status(outcome.status).set(outcome.headers)
  // A handshake answered as text (Twitch's challenge) goes out as is; everything else is JSON.
  if (typeof outcome.body === 'string') res.send(outcome.body)
  else res.json(outcome.body)
  if (outcome.background) runAfterResponse(outcome.background)
}
