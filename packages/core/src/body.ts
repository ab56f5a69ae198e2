import { utf8Encode } from './encoding.js'
import { WebhookVerificationError } from './errors.js'

/** The adapters' default body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/** Validates a `maxBodyBytes` option. */
export function checkMaxBodyBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_BODY_BYTES
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError('maxBodyBytes must be a positive whole number of bytes')
  }
  return value
}

export function payloadTooLarge(maxBytes: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'PAYLOAD_TOO_LARGE',
    `Body is larger than the ${maxBytes}-byte limit (maxBodyBytes)`,
  )
}

/**
 * Rejects early when a declared `Content-Length` is over the limit, so the body
 * is never read. A missing or malformed length is left to the streaming check.
 */
export function assertDeclaredLength(
  contentLength: string | null | undefined,
  maxBytes: number,
): void {
  if (contentLength && /^\d+$/.test(contentLength) && Number(contentLength) > maxBytes) {
    throw payloadTooLarge(maxBytes)
  }
}

/**
 * Collects body chunks up to a limit; `push` throws `PAYLOAD_TOO_LARGE` as soon
 * as the limit is passed, so an oversized body is never buffered whole.
 *
 * @example
 * const body = new BodyCollector(1024 * 1024)
 * for await (const chunk of stream) body.push(chunk)
 * const raw = body.bytes()
 */
export class BodyCollector {
  readonly #chunks: Uint8Array[] = []
  #length = 0
  constructor(readonly maxBytes: number) {}

  push(chunk: Uint8Array): void {
    this.#length += chunk.byteLength
    if (this.#length > this.maxBytes) {
      this.#chunks.length = 0
      throw payloadTooLarge(this.maxBytes)
    }
    this.#chunks.push(chunk)
  }

  bytes(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0] as Uint8Array
    const out = new Uint8Array(this.#length)
    let offset = 0
    for (const chunk of this.#chunks) {
      out.set(chunk, offset)
      offset += chunk.byteLength
    }
    return out
  }
}

/**
 * Reads a Web `ReadableStream` body within the limit, cancelling it once the limit is passed.
 * A stream that was already read is `RAW_BODY_UNAVAILABLE`, never a hang.
 */
export async function readWebStream(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array()
  if (stream.locked) {
    throw new WebhookVerificationError(
      'RAW_BODY_UNAVAILABLE',
      'The request body was already read by something else; read it with hookguard first',
    )
  }
  const collector = new BodyCollector(maxBytes)
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return collector.bytes()
      collector.push(value)
    }
  } catch (error) {
    await reader.cancel().catch(() => {})
    throw error
  } finally {
    reader.releaseLock()
  }
}

/**
 * The client went away (or the stream failed) while the body was streaming in. Not a
 * verification failure: adapters hand it to the framework's error handling (status 400), which
 * knows not to write to a closed socket.
 *
 * @example
 * app.use((error, req, res, next) => {
 *   if (error instanceof RequestAbortedError) return res.end() // nobody is listening
 *   next(error)
 * })
 */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError'
  readonly status = 400
  readonly statusCode = 400
  readonly expose = false
  readonly code = 'ECONNABORTED'
}

/** The part of a Node readable (`IncomingMessage`, `stream.Readable`) the reader uses; no imports needed. */
export interface NodeReadableLike {
  // biome-ignore lint/suspicious/noExplicitAny: matches Node's own listener type
  on(event: string, listener: (...args: any[]) => void): unknown
  // biome-ignore lint/suspicious/noExplicitAny: matches Node's own listener type
  off(event: string, listener: (...args: any[]) => void): unknown
  resume(): unknown
}

function ignore(): void {}

/**
 * Reads a Node readable within the limit. Settles on every path (end, error, close), so a request
 * never hangs here. Past the limit it rejects with `PAYLOAD_TOO_LARGE` at once and lets the rest
 * flow by unread: pausing would stall the client's upload before it reads the 413, and destroying
 * the socket could lose the 413 itself (answer it with `Connection: close`).
 *
 * @example
 * const raw = await readNodeStream(req, 1024 * 1024)
 */
export function readNodeStream(stream: NodeReadableLike, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const collector = new BodyCollector(maxBytes)
    const settle = (error: unknown, bytes?: Uint8Array) => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
      stream.off('close', onClose)
      // A late error (the client resets after our 413, say) must find a listener, or it would be
      // an uncaught exception.
      stream.on('error', ignore)
      if (bytes) resolve(bytes)
      else reject(error)
    }
    function onData(chunk: Uint8Array | string) {
      try {
        collector.push(typeof chunk === 'string' ? utf8Encode(chunk) : chunk)
      } catch (error) {
        settle(error)
        stream.resume()
      }
    }
    function onEnd() {
      settle(undefined, collector.bytes())
    }
    function onError(error: Error) {
      settle(new RequestAbortedError(`Request body failed while streaming in: ${error.message}`))
    }
    function onClose() {
      settle(new RequestAbortedError('Request aborted while its body was streaming in'))
    }
    stream.on('data', onData)
    stream.on('end', onEnd)
    stream.on('error', onError)
    stream.on('close', onClose)
  })
}
