import type { IncomingMessage, ServerResponse } from 'node:http'
import { WebhookVerificationError } from '@hookguard/core'
import { payloadTooLarge, RequestAbortedError, readNodeStream } from '@hookguard/core/adapter'

// Registered, so the ESM and CJS builds of this package find each other's copy.
const RAW_BODY = Symbol.for('hookguard.express.rawBody')

/** The request fields the raw-body lookup reads; body parsers and other tools set them. */
interface BodyCarrier extends IncomingMessage {
  body?: unknown
  rawBody?: unknown
  /** Set by body-parser (express.json/urlencoded/raw/text) once it has read the stream. */
  _body?: boolean
  [RAW_BODY]?: Uint8Array
}

/**
 * A body-parser `verify` callback that keeps the exact bytes for `webhook()`, so a global
 * `express.json()` can stay in front of the webhook route.
 *
 * @example
 * app.use(express.json({ verify: keepRawBody }))
 * app.post('/webhooks', webhook({ secret }), (req, res) => res.json({ received: true }))
 */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  ;(req as BodyCarrier)[RAW_BODY] = buf
}

/** Why the body cannot be read, with the fix, for RAW_BODY_UNAVAILABLE. */
function unavailable(parsed: boolean): WebhookVerificationError {
  const what = parsed
    ? 'The request body was already parsed by a body parser (a global express.json() or express.urlencoded()?)'
    : 'The request body stream was already read by an earlier middleware'
  return new WebhookVerificationError(
    'RAW_BODY_UNAVAILABLE',
    `${what}, so the exact bytes the signature covers are gone. Fix: register webhook() on its route ` +
      'before any global body parser, or keep a raw copy with express.json({ verify: keepRawBody }) ' +
      "(import { keepRawBody } from '@hookguard/express').",
  )
}

function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  return undefined
}

function withinLimit(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (bytes.byteLength > maxBytes) throw payloadTooLarge(maxBytes)
  return bytes
}

/**
 * Bytes something kept earlier (keepRawBody, `req.rawBody`, express.raw()), or `undefined` when
 * the stream is still unread. Throws RAW_BODY_UNAVAILABLE when it was consumed and no copy kept.
 */
function keptBytes(req: BodyCarrier): Uint8Array | undefined {
  const kept = req[RAW_BODY] ?? bytesOf(req.rawBody)
  if (kept !== undefined) return kept
  // express.raw() (and some serverless wrappers) leave the bytes as a Buffer.
  if (req.body instanceof Uint8Array) return req.body
  // Express 4's parsers set `req.body = {}` even when they skip a request, so the shape of
  // `req.body` alone does not prove the stream was read; `_body` and the stream state do.
  if (req._body === true) throw unavailable(true)
  if (req.readableEnded || req.readableDidRead || req.readableFlowing === true) {
    throw unavailable(req.body !== undefined && typeof req.body === 'object')
  }
  return undefined
}

/**
 * The exact body bytes, within `maxBytes` and `timeoutMs`; see `keptBytes` for where they come
 * from. A stream is read by core's reader (an oversized body is drained before the 413 is read).
 */
export function readRawBody(
  req: IncomingMessage,
  maxBytes: number,
  timeoutMs?: number,
): Promise<Uint8Array> {
  try {
    const kept = keptBytes(req)
    if (kept !== undefined) return Promise.resolve(withinLimit(kept, maxBytes))
    if (req.destroyed) throw new RequestAbortedError('Request aborted before its body was read')
  } catch (error) {
    return Promise.reject(error)
  }
  return readStream(req, maxBytes, timeoutMs)
}

async function readStream(
  req: IncomingMessage,
  maxBytes: number,
  timeoutMs: number | undefined,
): Promise<Uint8Array> {
  const bytes = await readNodeStream(req, maxBytes, {
    declaredLength: req.headers['content-length'],
    timeoutMs,
  })
  // Kept like keepRawBody does, so a second webhook() on the same request (say app.use plus the
  // route) verifies the same bytes instead of finding the stream spent.
  ;(req as BodyCarrier)[RAW_BODY] = bytes
  return bytes
}
