import { WebhookVerificationError } from './errors.js'

/** What `verify` takes as the raw body: text, or bytes (an `ArrayBuffer` from `request.arrayBuffer()` too). */
export type RawPayload = string | Uint8Array | ArrayBuffer

const isArrayBuffer = (value: object): value is ArrayBuffer =>
  // `instanceof` fails for a buffer made in another realm (a vm context, workerd's isolates).
  Object.prototype.toString.call(value) === '[object ArrayBuffer]'

/**
 * The raw body as bytes or text, or `undefined` when `payload` is neither (a parsed object,
 * nothing). An `ArrayBuffer` or any other binary view is taken as the bytes it holds, uncopied.
 *
 * @example
 * rawBodyOf(await request.arrayBuffer()) // Uint8Array over the same bytes
 */
export function rawBodyOf(payload: unknown): string | Uint8Array | undefined {
  if (typeof payload === 'string' || payload instanceof Uint8Array) return payload
  if (typeof payload !== 'object' || payload === null) return undefined
  if (isArrayBuffer(payload)) return new Uint8Array(payload)
  if (ArrayBuffer.isView(payload)) {
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  }
  return undefined
}

/**
 * `rawBodyOf`, or `RAW_BODY_UNAVAILABLE` saying what was passed instead: no body at all, or a body
 * a parser already turned into an object.
 */
export function rawPayload(payload: unknown): string | Uint8Array {
  const raw = rawBodyOf(payload)
  if (raw !== undefined) return raw
  if (payload === undefined || payload === null) {
    throw new WebhookVerificationError(
      'RAW_BODY_UNAVAILABLE',
      `payload is ${payload}: the request body is missing. Pass the raw body as received ` +
        '(await request.text() or request.arrayBuffer(); with Express, express.raw({ type: "*/*" }) on the webhook route, then req.body)',
    )
  }
  throw new WebhookVerificationError(
    'RAW_BODY_UNAVAILABLE',
    `payload must be the raw body (string, Uint8Array or ArrayBuffer), not a parsed ${Array.isArray(payload) ? 'array' : typeof payload}: signatures cover the exact bytes sent. ` +
      'Read the body before any JSON parser runs (for example express.raw({ type: "*/*" }) on the webhook route)',
  )
}
