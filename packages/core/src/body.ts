import { clearDeadline, type Deadline, setDeadline } from './deadlines.js'
import { cutAfterGrace, drainNode, drainWebReader } from './drain.js'
import { utf8Encode } from './encoding.js'
import { WebhookVerificationError } from './errors.js'
import { leaveBodyUnread } from './unread-body.js'

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

/** The adapters' default body deadline: 10 s (senders send the whole body at once). */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000

/** Validates a `bodyTimeoutMs` option. */
export function checkBodyTimeout(value: number | undefined): number {
  if (value === undefined) return DEFAULT_BODY_TIMEOUT_MS
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError('bodyTimeoutMs must be a positive whole number of milliseconds')
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

/** How a body is read besides its size limit. */
export interface BodyReadOptions {
  /** The request's `Content-Length`: over the limit, the body is refused without collecting it. */
  declaredLength?: string | null | undefined
  /** How long the whole body may take to arrive; past it `BODY_TIMEOUT` (408). Default: no bound. */
  timeoutMs?: number | undefined
}

function declaredTooLarge(declared: string | null | undefined, maxBytes: number): boolean {
  return !!declared && /^\d+$/.test(declared) && Number(declared) > maxBytes
}

/**
 * Reads a Web `ReadableStream` body within the limit. Past the limit (or with a declared length
 * over it) it reads the rest away within the drain bounds (see `drain.ts`), never buffering it,
 * then rejects with `PAYLOAD_TOO_LARGE`, so a sender still uploading reads the 413 (past the drain
 * bounds it stops reading and cancels the stream a second later). Past `timeoutMs` it rejects with
 * `BODY_TIMEOUT`, marked so that `errorResponse` closes the connection, and cancels the stream a
 * second later. A stream that was already read is `RAW_BODY_UNAVAILABLE`, never a hang; a stream
 * that fails midway (the client went away) is a `RequestAbortedError`.
 */
export async function readWebStream(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  options: BodyReadOptions = {},
): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array()
  if (stream.locked) {
    throw new WebhookVerificationError(
      'RAW_BODY_UNAVAILABLE',
      'The request body was already read by something else; read it with hookguard first',
    )
  }
  const reader = stream.getReader()
  if (declaredTooLarge(options.declaredLength, maxBytes)) {
    await drainWebReader(reader)
    throw payloadTooLarge(maxBytes)
  }
  const collector = new BodyCollector(maxBytes)
  const deadline = options.timeoutMs === undefined ? undefined : startDeadline(options.timeoutMs)
  try {
    for (;;) {
      const read = reader.read()
      const { done, value } = deadline ? await Promise.race([read, deadline.passed]) : await read
      if (done) {
        reader.releaseLock()
        return collector.bytes()
      }
      collector.push(value)
    }
  } catch (error) {
    if (error instanceof WebhookVerificationError && error.code === 'PAYLOAD_TOO_LARGE') {
      await drainWebReader(reader)
    } else if (error instanceof WebhookVerificationError && error.code === 'BODY_TIMEOUT') {
      // Cancelling now could close the connection (a Node bridge destroys the request) before the
      // 408 is written: cancel once the answer is out.
      leaveBodyUnread(error)
      cutAfterGrace(() => void reader.cancel().catch(ignore))
    } else {
      await reader.cancel().catch(() => {})
      // The stream itself failed: on a server that is the client going away mid-body.
      if (!(error instanceof WebhookVerificationError)) throw streamFailed(error)
    }
    throw error
  } finally {
    deadline?.clear()
  }
}

/** A deadline that rejects `passed` with `BODY_TIMEOUT`; `clear` it once the body is in. */
function startDeadline(timeoutMs: number): { passed: Promise<never>; clear(): void } {
  let deadline: Deadline | undefined
  const passed = new Promise<never>((_resolve, reject) => {
    deadline = setDeadline(timeoutMs, () => reject(bodyTimeout(timeoutMs)))
  })
  passed.catch(ignore)
  return { passed, clear: () => deadline !== undefined && clearDeadline(deadline) }
}

/** `BODY_TIMEOUT`: the body was still arriving at the deadline (a slow client or a broken proxy). */
export function bodyTimeout(timeoutMs: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'BODY_TIMEOUT',
    `The body took longer than ${timeoutMs} ms to arrive (bodyTimeoutMs)`,
  )
}

/**
 * The client went away (or the stream failed) while the body was streaming in. Not a
 * verification failure, and not the server's fault: it happens whenever a client gives up, so
 * adapters hand it to `receiver.aborted(error)` (one debug line, no stack) and answer its 400 only
 * where the socket is still open, never through the framework's error handling.
 *
 * @example
 * .catch((error) => {
 *   if (!(error instanceof RequestAbortedError)) throw error
 *   const { status, body } = receiver.aborted(error)
 *   if (!res.destroyed) res.status(status).json(body)
 * })
 */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError'
  readonly status = 400
  readonly statusCode = 400
  readonly expose = false
  readonly code = 'ECONNABORTED'
}

/** A body stream that failed midway, as the `RequestAbortedError` adapters answer and log. */
function streamFailed(error: unknown): RequestAbortedError {
  const reason = error instanceof Error ? error.message : String(error)
  return new RequestAbortedError(`Request body failed while streaming in: ${reason}`, {
    cause: error,
  })
}

/** The part of a Node readable (`IncomingMessage`, `stream.Readable`) the reader uses; no imports needed. */
export interface NodeReadableLike {
  // biome-ignore lint/suspicious/noExplicitAny: matches Node's own listener type
  on(event: string, listener: (...args: any[]) => void): unknown
  // biome-ignore lint/suspicious/noExplicitAny: matches Node's own listener type
  off(event: string, listener: (...args: any[]) => void): unknown
  resume(): unknown
  pause?(): unknown
  destroy?(): unknown
  readableEnded?: boolean
  readableDidRead?: boolean
  readableFlowing?: boolean | null
  destroyed?: boolean
}

function ignore(): void {}

/**
 * Reads the rest of `stream` away within the drain bounds, then rejects with `error`, which stays
 * unmarked: the body ended, or the client went away, or a bound cut it (the cut destroys the
 * request a grace period after the answer instead of `Connection: close`; see `drain.ts`).
 */
function drainThenRefuse(stream: NodeReadableLike, error: unknown): Promise<never> {
  return drainNode(stream).then(() => Promise.reject(error))
}

/**
 * Reads a Node readable within the limit. Settles on every path (end, error, close, deadline), so
 * a request never hangs here. Past the limit (or with a declared length over it) it reads the rest
 * away within the drain bounds (see `drain.ts`), never buffering it, then rejects with
 * `PAYLOAD_TOO_LARGE`, so a sender still uploading reads the 413 instead of a reset; past the drain
 * bounds the stream is paused and destroyed a second after the refusal. Past `timeoutMs` it
 * rejects with `BODY_TIMEOUT`, marked so that `errorResponse` answers with `Connection: close`
 * (adapters send its headers), and the stream is destroyed a second later if nothing closed it.
 *
 * @example
 * const raw = await readNodeStream(req, 1024 * 1024, {
 *   declaredLength: req.headers['content-length'],
 *   timeoutMs: 10_000,
 * })
 */
export function readNodeStream(
  stream: NodeReadableLike,
  maxBytes: number,
  options: BodyReadOptions = {},
): Promise<Uint8Array> {
  if (declaredTooLarge(options.declaredLength, maxBytes)) {
    stream.on('error', ignore)
    return drainThenRefuse(stream, payloadTooLarge(maxBytes))
  }
  return new Promise((resolve, reject) => {
    const collector = new BodyCollector(maxBytes)
    // Settling leaves the listeners attached (detaching costs more than the body read itself at
    // 1 KiB): once settled they do nothing, and `onError` keeps a late error (the client resets
    // after our answer) from becoming an uncaught exception.
    let settled = false
    let deadline: Deadline | undefined
    const settle = (error: unknown, bytes?: Uint8Array) => {
      if (settled) return
      settled = true
      if (deadline !== undefined) clearDeadline(deadline)
      if (bytes) resolve(bytes)
      else reject(error)
    }
    function onData(chunk: Uint8Array | string) {
      if (settled) return
      try {
        collector.push(typeof chunk === 'string' ? utf8Encode(chunk) : chunk)
      } catch (error) {
        settled = true
        if (deadline !== undefined) clearDeadline(deadline)
        drainThenRefuse(stream, error).catch(reject)
      }
    }
    function onEnd() {
      settle(undefined, collector.bytes())
    }
    // Both fire after the end too ('close' always does): build no error then (a stack costs µs).
    function onError(error: Error) {
      if (settled) return
      settle(new RequestAbortedError(`Request body failed while streaming in: ${error.message}`))
    }
    function onClose() {
      if (settled) return
      settle(new RequestAbortedError('Request aborted while its body was streaming in'))
    }
    const { timeoutMs } = options
    if (timeoutMs !== undefined) {
      deadline = setDeadline(timeoutMs, () => {
        settle(leaveBodyUnread(bodyTimeout(timeoutMs)))
        // The answer closes the connection; this frees the socket should nothing answer.
        stream.pause?.()
        cutAfterGrace(() => stream.destroy?.())
      })
    }
    stream.on('data', onData)
    stream.on('end', onEnd)
    stream.on('error', onError)
    stream.on('close', onClose)
  })
}
