import type { WebhookVerificationError } from '@hookguard/core'
import { errorResponse, type Outcome, runAfterResponse } from '@hookguard/core/adapter'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyWebhookOptions } from './options.js'

type Respond = Extract<Outcome, { action: 'respond' }>

/**
 * Runs `onError` and reports whether it answered. A call to `reply.send` counts even while async
 * onSend hooks still hold the response back (`reply.sent` is only true once it is written), so a
 * taken-over response is never answered twice.
 */
async function tookOver(
  onError: NonNullable<FastifyWebhookOptions['onError']>,
  error: WebhookVerificationError,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  let sent = false
  const send = reply.send
  reply.send = function (this: FastifyReply, ...args: Parameters<FastifyReply['send']>) {
    sent = true
    return send.apply(this, args)
  }
  try {
    // A returned `reply` is a thenable that settles once the response is written.
    await onError(error, request, reply)
  } finally {
    Reflect.deleteProperty(reply, 'send')
  }
  return sent || reply.sent
}

/**
 * Answers a rejected webhook: `onError` first when there is one, else `error.status` with
 * `{ error, code }`. Core's headers for the refusal (`Connection: close` for a body it left
 * unread) are set first, so they go out with either answer.
 */
export async function sendFailure(
  error: WebhookVerificationError,
  request: FastifyRequest,
  reply: FastifyReply,
  onError: FastifyWebhookOptions['onError'],
): Promise<FastifyReply> {
  const { status, body, headers } = errorResponse(error)
  reply.headers(headers)
  if (onError && (await tookOver(onError, error, request, reply))) return reply
  return reply.code(status).send(body)
}

/** Sends a `respond` outcome, then starts its background work once the response is written. */
export function sendOutcome(request: FastifyRequest, reply: FastifyReply, outcome: Respond) {
  const { status, headers, body, background } = outcome
  reply.code(status).headers(headers).send(body)
  if (!background) return reply
  // send() has written the answer (res.end) unless an async onSend hook holds it. Only then wait
  // for the response to finish: reply.then attaches stream listeners, a cost on every event.
  if (reply.raw.writableEnded) runAfterResponse(background)
  else {
    // Also when the client went away first: the event is claimed, so it must still run.
    const start = () => runAfterResponse(background)
    reply.then(start, start)
  }
  return reply
}
