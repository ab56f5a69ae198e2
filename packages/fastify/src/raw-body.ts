import type { Readable } from 'node:stream'
import { WebhookVerificationError } from '@hookguard/core'
import { RequestAbortedError, readNodeStream } from '@hookguard/core/adapter'

function unavailable(): WebhookVerificationError {
  return new WebhookVerificationError(
    'RAW_BODY_UNAVAILABLE',
    'The request body stream was already read by an earlier hook (onRequest or preParsing), so the ' +
      'exact bytes the signature covers are gone. Fix: do not consume the body of a webhook route ' +
      'before @hookguard/fastify; a preParsing hook may only hand on a replacement stream.',
  )
}

/**
 * Reads the payload stream Fastify hands to `preParsing`, exactly as received and within
 * `maxBytes`: `PAYLOAD_TOO_LARGE` as soon as the limit is passed, so an oversized body is never
 * buffered whole. Settles on every path (end, error, close), so a request never hangs here.
 */
export function readPayload(stream: Readable, maxBytes: number): Promise<Uint8Array> {
  // A stream that was consumed already would never emit 'end' again.
  if (stream.readableEnded || stream.readableDidRead) return Promise.reject(unavailable())
  if (stream.destroyed) {
    return Promise.reject(new RequestAbortedError('Request aborted before its body was read'))
  }
  return readNodeStream(stream, maxBytes)
}
