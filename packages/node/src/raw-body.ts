import type { IncomingMessage } from 'node:http'
import { WebhookVerificationError } from '@hookguard/core'
import { payloadTooLarge, RequestAbortedError, readNodeStream } from '@hookguard/core/adapter'

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
  try {
    const { rawBody } = req as BodyCarrier
    if (rawBody instanceof Uint8Array || typeof rawBody === 'string') {
      const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody
      if (bytes.byteLength > maxBytes) throw payloadTooLarge(maxBytes)
      return Promise.resolve(bytes)
    }
    if (req.readableEnded || req.readableDidRead || req.readableFlowing === true)
      throw unavailable()
    if (req.destroyed) throw new RequestAbortedError('Request aborted before its body was read')
  } catch (error) {
    return Promise.reject(error)
  }
  return readNodeStream(req, maxBytes, { declaredLength: req.headers['content-length'], timeoutMs })
}
