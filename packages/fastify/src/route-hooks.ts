import { WebhookVerificationError } from '@hookguard/core'
import { type Outcome, payloadTooLarge } from '@hookguard/core/adapter'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { RouteWebhook } from './options.js'
import { sendFailure, sendOutcome } from './respond.js'

const EMPTY = new Uint8Array(0)

/** How much of an oversized body is read and dropped before the 413, and for how long at most. */
const DISCARD_MAX_BYTES = 8 * 1024 * 1024
const DISCARD_MAX_MS = 5_000

/** Reads and drops the rest of a request body, up to the bounds above; never rejects. */
function discardRest(
  stream: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean },
) {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve()
  return new Promise<void>((resolve) => {
    let seen = 0
    const done = () => {
      clearTimeout(timer)
      stream.removeListener('data', count)
      resolve()
    }
    const count = (chunk: { length: number }) => {
      seen += chunk.length
      if (seen > DISCARD_MAX_BYTES) done()
    }
    const timer = setTimeout(done, DISCARD_MAX_MS)
    stream.on('data', count)
    stream.once('end', done)
    stream.once('close', done)
    stream.once('error', done)
    stream.resume()
  })
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
 * The route's error handler: Fastify's own 413 from the scope's parser (`bodyLimit` is the
 * route's `maxBodyBytes`) and hookguard's errors get hookguard's answer; anything else goes to the
 * route's own error handler if it has one, else is rethrown, which Fastify documents as handing
 * it to the scope's error handler.
 */
export function errorHandler(route: RouteWebhook, own: ErrorHandler | undefined): ErrorHandler {
  return function hookguardErrorHandler(this: unknown, error, request, reply) {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Close rather than parse the rest to find the next request (Fastify 5 says so itself;
      // Fastify 4 does for a declared length only), but discard what is still arriving first,
      // within a bound, so a sender still uploading can read the 413 instead of a reset.
      reply.header('connection', 'close')
      return discardRest(request.raw).then(() =>
        sendFailure(payloadTooLarge(route.receiver.maxBodyBytes), request, reply, route.onError),
      )
    }
    if (error instanceof WebhookVerificationError) {
      return sendFailure(error, request, reply, route.onError)
    }
    if (own) return own.call(this, error, request, reply)
    throw error
  }
}
