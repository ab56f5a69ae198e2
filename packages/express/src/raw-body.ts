import type { IncomingMessage, ServerResponse } from 'node:http'
import { WebhookVerificationError } from '@hookguard/core'
import { readNodeBody } from '@hookguard/core/adapter'

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

/**
 * Bytes something kept earlier (keepRawBody, `req.rawBody`, express.raw()), or `undefined` when
 * the stream may still be read. Throws RAW_BODY_UNAVAILABLE when a body parser consumed it.
 */
function keptBytes(req: BodyCarrier): Uint8Array | undefined {
  const kept = req[RAW_BODY] ?? bytesOf(req.rawBody)
  if (kept !== undefined) return kept
  // express.raw() (and some serverless wrappers) leave the bytes as a Buffer.
  if (req.body instanceof Uint8Array) return req.body
  // Express 4's parsers set `req.body = {}` even when they skip a request, so the shape of
  // `req.body` alone does not prove the stream was read; `_body` and the stream state do.
  if (req._body === true) throw unavailable(true)
  return undefined
}

/** The stream was read by something else (core's test): say whether a parser left an object. */
function streamTaken(req: BodyCarrier): WebhookVerificationError {
  return unavailable(req.body !== undefined && typeof req.body === 'object')
}

/**
 * The exact body bytes, within `maxBytes` and `timeoutMs`: the copy `keptBytes` finds, else the
 * stream read by core's reader (an oversized body is drained before the 413 is read).
 */
export async function readRawBody(
  req: IncomingMessage,
  maxBytes: number,
  timeoutMs?: number,
): Promise<Uint8Array> {
  const bytes = await readNodeBody(req as BodyCarrier, {
    maxBytes,
    timeoutMs,
    kept: keptBytes,
    unavailable: streamTaken,
  })
  // Kept like keepRawBody does, so a second webhook() on the same request (say app.use plus the
  // route) verifies the same bytes instead of finding the stream spent.
  ;(req as BodyCarrier)[RAW_BODY] = bytes
  return bytes
}
