import { type VerifiedWebhook, type VerifyOptions, WebhookVerificationError } from '@hookguard/core'
import { createReceiver, type Receiver, RequestAbortedError } from '@hookguard/core/adapter'
import { readBody } from './body.js'
import { jsonResponse, rejection } from './respond.js'

/**
 * Options of `verifyRequest()`: everything `verify` takes, and the body limit.
 *
 * @example
 * const options: VerifyRequestOptions = { secret: process.env.WEBHOOK_SECRET!, scheme: 'stripe' }
 */
export interface VerifyRequestOptions extends VerifyOptions {
  /** Largest accepted body in bytes; default 1 MiB. Enforced while the body streams in. */
  maxBodyBytes?: number
}

/**
 * What `verifyRequest()` resolves to: the verified event, or a `response` to send as it is
 * (a rejection, or the answer to a sender's handshake such as Slack's `url_verification`).
 */
export type VerifiedRequest<TEvent = unknown> =
  | {
      response?: undefined
      /** The verified event. */
      event: TEvent
      /** The event with its id, type and scheme, as core's `verifyWebhook` gives it. */
      webhook: VerifiedWebhook<TEvent>
      /** The raw body exactly as received (the request's own body has been read). */
      body: Uint8Array
    }
  | {
      /** Send this: `error.status` with `{ error, code }`, or a handshake's answer. */
      response: Response
      /** Why the request was refused; `undefined` for a handshake. */
      error: WebhookVerificationError | RequestAbortedError | undefined
    }

// One receiver per options object, so options hoisted out of the handler are checked once.
const receivers = new WeakMap<VerifyRequestOptions, Receiver>()

function receiverFor(options: VerifyRequestOptions): Receiver {
  let receiver = receivers.get(options)
  if (receiver) return receiver
  const stray = ['on', 'inbox', 'handler'].filter(
    (name) => (options as unknown as Record<string, unknown>)[name] !== undefined,
  )
  if (stray.length > 0) {
    throw new TypeError(
      `verifyRequest only verifies (${stray.join(', ')} given); use webhookHandler to process events`,
    )
  }
  receiver = createReceiver(options)
  receivers.set(options, receiver)
  return receiver
}

/**
 * Verifies a `Request` inside a handler you already have: reads the raw body within
 * `maxBodyBytes` and checks its signature. Resolves to the event, or to a ready `Response`
 * (`error.status` with `{ error, code }`, or a handshake's answer) to return as it is.
 * Misconfiguration throws a `TypeError`.
 *
 * @example
 * export async function POST(request: Request) {
 *   const result = await verifyRequest<OrderEvent>(request, { secret: process.env.WEBHOOK_SECRET! })
 *   if (result.response) return result.response
 *   await fulfil(result.event.data.object)
 *   return Response.json({ received: true })
 * }
 */
export async function verifyRequest<TEvent = unknown>(
  request: Request,
  options: VerifyRequestOptions,
): Promise<VerifiedRequest<TEvent>> {
  const receiver = receiverFor(options)
  try {
    const body = await readBody(request, receiver.maxBodyBytes, receiver.bodyTimeoutMs)
    const outcome = await receiver.receive({
      payload: body,
      headers: request.headers,
      url: request.url,
      method: request.method,
    })
    if (outcome.action === 'respond') {
      return {
        response: jsonResponse(outcome.status, outcome.body, outcome.headers),
        error: undefined,
      }
    }
    const webhook = outcome.webhook as VerifiedWebhook<TEvent>
    return { event: webhook.event, webhook, body }
  } catch (error) {
    if (error instanceof WebhookVerificationError || error instanceof RequestAbortedError) {
      return { response: rejection(error), error }
    }
    throw error
  }
}
