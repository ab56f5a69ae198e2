import {
  type NodeReadableLike,
  payloadTooLarge,
  RequestAbortedError,
  readNodeStream,
} from './body.js'
import { WebhookVerificationError } from './errors.js'
import { leaveBodyUnread } from './unread-body.js'

/**
 * Whether something other than hookguard already read a Node body stream, or set it flowing
 * (chunks it emits before hookguard listens are lost): its exact bytes cannot be had from it.
 *
 * @example
 * if (bodyStreamTaken(payload)) return done(rawBodyUnavailable())
 */
export function bodyStreamTaken(stream: NodeReadableLike): boolean {
  return (
    stream.readableEnded === true ||
    stream.readableDidRead === true ||
    stream.readableFlowing === true
  )
}

/** A Node request as `readNodeBody` reads it (`IncomingMessage` and its wrappers). */
export interface NodeRequestLike extends NodeReadableLike {
  headers: { 'content-length'?: string | undefined }
}

/** Where an adapter's raw body may come from besides the stream, and how it is refused. */
export interface NodeBodySource<R extends NodeRequestLike> {
  maxBytes: number
  /** How long the body may take to stream in (`bodyTimeoutMs`). */
  timeoutMs?: number | undefined
  /**
   * Bytes something read earlier and kept (a body parser's copy, a host's `rawBody`), or
   * `undefined` to read the stream. May throw `RAW_BODY_UNAVAILABLE` when the framework shows the
   * body was parsed with no copy kept.
   */
  kept?(request: R): Uint8Array | undefined
  /** The `RAW_BODY_UNAVAILABLE` for a stream something else read: its message names the fix. */
  unavailable(request: R): WebhookVerificationError
}

/**
 * A Node adapter's raw body: the bytes `kept` finds (within `maxBytes`), else the request stream
 * through `readNodeStream` (refused at once when `Content-Length` declares too much, drained past
 * the limit, `BODY_TIMEOUT` past `timeoutMs`). A stream something else read, with no copy kept, is
 * `source.unavailable(request)`, never a hang; a request already destroyed is a
 * `RequestAbortedError`.
 *
 * @example
 * const payload = await readNodeBody(req, {
 *   maxBytes: receiver.maxBodyBytes,
 *   timeoutMs: receiver.bodyTimeoutMs,
 *   kept: (req) => (req.rawBody instanceof Uint8Array ? req.rawBody : undefined),
 *   unavailable: () => new WebhookVerificationError('RAW_BODY_UNAVAILABLE', 'Fix: …'),
 * })
 */
export function readNodeBody<R extends NodeRequestLike>(
  request: R,
  source: NodeBodySource<R>,
): Promise<Uint8Array> {
  const { maxBytes, timeoutMs } = source
  try {
    const kept = source.kept?.(request)
    if (kept !== undefined) {
      if (kept.byteLength > maxBytes) throw payloadTooLarge(maxBytes)
      return Promise.resolve(kept)
    }
    if (bodyStreamTaken(request)) throw source.unavailable(request)
    if (request.destroyed) throw new RequestAbortedError('Request aborted before its body was read')
  } catch (error) {
    // Refused before the stream ended (something else is still reading it): close the connection.
    if (error instanceof WebhookVerificationError && !request.readableEnded) leaveBodyUnread(error)
    return Promise.reject(error)
  }
  return readNodeStream(request, maxBytes, {
    declaredLength: request.headers['content-length'],
    timeoutMs,
  })
}
