import { Readable } from 'node:stream'
import { WebhookVerificationError } from '@hookguard/core'
import { assertDeclaredLength, type Outcome } from '@hookguard/core/adapter'
import type {
  FastifyReply,
  FastifyRequest,
  preParsingAsyncHookHandler,
  preValidationHookHandler,
  RequestPayload,
} from 'fastify'
import { hideBodyHeaders, restoreBodyHeaders } from './body-headers.js'
import type { RouteWebhook } from './options.js'
import { readPayload } from './raw-body.js'
import { sendFailure, sendOutcome } from './respond.js'

/** The same bytes again, for a parser that still runs (say another hook re-exposed the headers). */
function replay(raw: Uint8Array): RequestPayload {
  const stream = Readable.from([Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)], {
    objectMode: false,
  }) as RequestPayload
  stream.receivedEncodedLength = raw.byteLength
  return stream
}

async function receive(
  route: RouteWebhook,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: RequestPayload,
): Promise<FastifyReply | RequestPayload> {
  const { receiver, onError } = route
  let raw: Uint8Array
  try {
    assertDeclaredLength(request.headers['content-length'], receiver.maxBodyBytes)
    raw = await readPayload(payload, receiver.maxBodyBytes)
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error
    return sendFailure(error, request, reply, onError, error.code === 'PAYLOAD_TOO_LARGE')
  }
  let outcome: Outcome
  try {
    outcome = await receiver.receive({ payload: raw, headers: request.headers })
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error
    return sendFailure(error, request, reply, onError, false)
  }
  if (outcome.webhook) request.webhook = outcome.webhook.event
  if (outcome.action === 'respond') return sendOutcome(request, reply, outcome)
  request.body = outcome.webhook.event
  // Fastify never parses a GET or HEAD body, so there is nothing to skip.
  if (request.method !== 'GET' && request.method !== 'HEAD') hideBodyHeaders(request)
  return replay(raw)
}

/**
 * The two route-level hooks of a webhook route. `preParsing` reads the raw body itself, verifies
 * it and answers failures (and `respond` outcomes); on success it sets `request.webhook` and
 * `request.body` to the event and has Fastify skip its content-type parser. `preValidation` runs
 * first among the route's own, so the route's hooks and handler see the headers as sent.
 */
export function webhookHooks(route: RouteWebhook): {
  preParsing: preParsingAsyncHookHandler
  preValidation: preValidationHookHandler
} {
  return {
    // Returning `reply` (a thenable) after answering makes Fastify stop once it is written.
    preParsing: (request, reply, payload) => receive(route, request, reply, payload),
    preValidation: (request, _reply, done) => {
      restoreBodyHeaders(request)
      done()
    },
  }
}
