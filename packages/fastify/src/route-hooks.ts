import { WebhookVerificationError } from '@hookguard/core'
import { type Outcome, payloadTooLarge, RequestAbortedError } from '@hookguard/core/adapter'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { RouteWebhook } from './options.js'
import { sendFailure, sendOutcome } from './respond.js'

const EMPTY = new Uint8Array(0)

/** A body core's reader refused (too large, or past the deadline), handed on by the parser. */
export class RefusedBody {
  constructor(readonly error: WebhookVerificationError) {}
}

/** The body stream or the parsed body is gone: the message names the fix. */
export function rawBodyUnavailable(): WebhookVerificationError {
  return new WebhookVerificationError(
    'RAW_BODY_UNAVAILABLE',
    'The raw body of this webhook route was read or parsed before @hookguard/fastify could verify ' +
      'it (an onRequest or preParsing hook read the stream, or a content-type parser added to the ' +
      "webhook scope parsed it). Fix: leave the body stream alone and add no parser in the plugin's scope.",
  )
}

/** The raw bytes the scope's parser handed over; an empty body when Fastify parsed none. */
function rawBody(request: FastifyRequest): Uint8Array {
  const { body } = request
  if (body === undefined || body === null) return EMPTY
  if (Buffer.isBuffer(body)) return body
  if (body instanceof RefusedBody) throw body.error
  throw rawBodyUnavailable()
}

/**
 * Verifies the raw body and either answers (a rejection, or a `respond` outcome with `on`
 * handlers) or sets `request.webhook` and `request.body` to the event for the rest of the route.
 */
export async function verifyHook(
  route: RouteWebhook,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  let outcome: Outcome
  try {
    outcome = await route.receiver.receive({
      payload: rawBody(request),
      headers: request.headers,
      url: `${request.protocol}://${request.host ?? request.hostname}${request.url}`,
      method: request.method,
    })
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error
    // Returning the reply after answering tells Fastify to stop the lifecycle here.
    return sendFailure(error, request, reply, route.onError)
  }
  if (outcome.webhook) request.webhook = outcome.webhook.event
  if (outcome.action === 'respond') return sendOutcome(request, reply, outcome)
  request.body = outcome.webhook.event
  return undefined
}

type ErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => unknown

/**
 * The route's error handler: Fastify's own 413 from a `parseAs` parser added in the scope
 * (`bodyLimit` is the route's `maxBodyBytes`) and hookguard's errors get hookguard's answer;
 * anything else goes to the route's own error handler if it has one, else is rethrown, which
 * Fastify documents as handing it to the scope's error handler.
 */
export function errorHandler(route: RouteWebhook, own: ErrorHandler | undefined): ErrorHandler {
  return function hookguardErrorHandler(this: unknown, error, request, reply) {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Never from the scope's own parser (core's reader hands on a RefusedBody): from a
      // `parseAs` parser added in the scope, whose Buffer would be verified (see onRoute in
      // plugin.ts). Answered in hookguard's shape, at maxBodyBytes.
      return sendFailure(
        payloadTooLarge(route.receiver.maxBodyBytes),
        request,
        reply,
        route.onError,
      )
    }
    if (error instanceof WebhookVerificationError) {
      return sendFailure(error, request, reply, route.onError)
    }
    if (error instanceof RequestAbortedError) {
      // The scope's parser lost the client mid-body: one debug line, not Fastify's default
      // handler (which logs it at info with a stack). Fastify writes nothing to a closed socket.
      const { status, body } = route.receiver.aborted(error)
      return reply.code(status).send(body)
    }
    if (own) return own.call(this, error, request, reply)
    throw error
  }
}
