import type { Readable } from 'node:stream'
import { BodyCollector, WebhookVerificationError } from '@hookguard/core'

/**
 * The client went away (or the payload stream failed) while the body was streaming in. Not a
 * verification failure: the plugin hands it to Fastify's error handling (status 400), which
 * knows not to write to a closed socket.
 *
 * @example
 * app.setErrorHandler((error, request, reply) => {
 *   if (error instanceof RequestAbortedError) return reply.code(400).send()
 *   reply.send(error)
 * })
 */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError'
  readonly statusCode = 400
  readonly code = 'ECONNABORTED'
}

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
  return new Promise((resolve, reject) => {
    const collector = new BodyCollector(maxBytes)
    const cleanup = () => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
      stream.off('close', onClose)
      // A late error (say the client resets after our 413) must find a listener, or it would be
      // an uncaught exception; IncomingMessage only emits it when someone listens, others always do.
      stream.on('error', ignore)
    }
    function onData(chunk: Buffer | string) {
      try {
        collector.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
      } catch (error) {
        cleanup()
        // The rest keeps flowing and is dropped: pausing would stall the client's upload before it
        // reads the 413, destroying the socket could lose the 413 itself. The 413 asks for
        // `Connection: close`, so Node ends the connection once it is written.
        stream.resume()
        reject(error)
      }
    }
    function onEnd() {
      cleanup()
      resolve(collector.bytes())
    }
    function onError(error: Error) {
      cleanup()
      reject(new RequestAbortedError(`Request body failed while streaming in: ${error.message}`))
    }
    function onClose() {
      cleanup()
      reject(new RequestAbortedError('Request aborted while its body was streaming in'))
    }
    stream.on('data', onData)
    stream.on('end', onEnd)
    stream.on('error', onError)
    stream.on('close', onClose)
  })
}

function ignore(): void {}
