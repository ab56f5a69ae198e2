import type { IncomingMessage } from 'node:http'
import { WebhookVerificationError } from '@hookguard/core'
import { readNodeBody } from '@hookguard/core/adapter'

/** Fields some hosts set once they have read the body (Google Cloud Functions, Firebase: `rawBody`). */
interface BodyCarrier extends IncomingMessage {
  rawBody?: unknown
  body?: unknown
}

function unavailable(): WebhookVerificationError {
  return new WebhookVerificationError(
    'RAW_BODY_UNAVAILABLE',
    'The request body was already read by something else (a body parser?), so the exact bytes ' +
      'the signature covers are gone. In a Next.js Pages API route, turn its parser off with ' +
      '`export const config = { api: { bodyParser: false } }`; in Connect or Express, mount ' +
      'webhookHandler() before any body parser',
  )
}

/** The `rawBody` a host kept, as bytes; `undefined` when there is none and the stream is read. */
function keptBytes(req: BodyCarrier): Uint8Array | undefined {
  const { rawBody } = req
  if (rawBody instanceof Uint8Array) return rawBody
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8')
  return undefined
}

/**
 * The exact body bytes within `maxBytes`: a `rawBody` the host kept, or the stream read through
 * core's reader (refused at once when `Content-Length` declares too much, cut off while streaming
 * otherwise). A stream something else consumed is `RAW_BODY_UNAVAILABLE`, never a hang.
 */
export function readRawBody(
  req: IncomingMessage,
  maxBytes: number,
  timeoutMs?: number,
): Promise<Uint8Array> {
  return readNodeBody(req as BodyCarrier, { maxBytes, timeoutMs, kept: keptBytes, unavailable })
}
