import { WebhookVerificationError } from '@hookguard/core'
import { payloadTooLarge, readWebStream } from '@hookguard/core/adapter'
import { utf8Encode } from '@hookguard/core/scheme'
import type { HonoRequest } from 'hono'

/** Where the signed bytes came from; the text cache is exact only for valid UTF-8 without a BOM. */
export type RawBodySource = 'stream' | 'cached-bytes' | 'cached-text'

export interface RawBody {
  bytes: Uint8Array
  source: RawBodySource
}

// Hono types the cache as values but stores promises (`bodyCache.text = raw.text()`), and its
// readers call `.then` on them; some validators store plain values. Both are handled.
type Cache = Record<string, unknown>

const FIX =
  'Register webhook() before any middleware that reads the body on this route, ' +
  'or have that middleware read it with c.req.text() or c.req.arrayBuffer() so Hono keeps the raw bytes'

function unavailable(what: string, cause?: unknown): WebhookVerificationError {
  return new WebhookVerificationError(
    'RAW_BODY_UNAVAILABLE',
    `${what}, so the exact bytes that were signed are gone. ${FIX}`,
    cause === undefined ? undefined : { cause },
  )
}

/** The bytes an earlier `c.req.arrayBuffer()`, `bytes()`, `blob()`, `text()` or `json()` left behind. */
async function cachedBytes(cache: Cache): Promise<RawBody | undefined> {
  try {
    if (cache.arrayBuffer) {
      return {
        bytes: new Uint8Array(await (cache.arrayBuffer as ArrayBuffer)),
        source: 'cached-bytes',
      }
    }
    if (cache.blob) {
      const blob = (await cache.blob) as Blob
      return { bytes: new Uint8Array(await blob.arrayBuffer()), source: 'cached-bytes' }
    }
    if (cache.text !== undefined) {
      return { bytes: utf8Encode(String(await cache.text)), source: 'cached-text' }
    }
  } catch (cause) {
    throw unavailable('An earlier read of the request body failed', cause)
  }
  return undefined
}

/** An ArrayBuffer holding exactly `bytes` (stream chunks may be views into a larger pool). */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) {
    return buffer
  }
  return bytes.slice().buffer as ArrayBuffer
}

/**
 * Reads the raw body within `maxBytes` while it streams in, then leaves it in Hono's body cache so
 * `c.req.text()`, `c.req.json()` and `c.req.arrayBuffer()` keep working in later handlers.
 * A body an earlier middleware already read is taken from the cache when the cache holds its bytes.
 */
export async function readRawBody(
  req: HonoRequest,
  maxBytes: number,
  timeoutMs?: number,
): Promise<RawBody> {
  const declaredLength = req.raw.headers.get('content-length')
  const cache = req.bodyCache as Cache
  const cached = await cachedBytes(cache)
  if (cached) {
    if (cached.bytes.byteLength > maxBytes) throw payloadTooLarge(maxBytes)
    return cached
  }
  const { raw } = req
  if (raw.bodyUsed || raw.body?.locked) {
    const parsed = Object.keys(cache).filter((key) => cache[key] !== undefined)
    // Only a parsed value is left (older Hono 4 cached `c.req.json()` as an object; formData is
    // parsed): re-serialising it would not reproduce the sender's bytes, so no signature could match.
    throw unavailable(
      parsed.length > 0
        ? `An earlier middleware parsed the request body and Hono kept only its ${parsed.join(', ')}`
        : 'The request body was already read through c.req.raw (Hono does not cache that)',
    )
  }
  // A parsed entry next to an unread stream (Hono 4.12's parseBody() caches `{}` for JSON without
  // reading anything) leaves the bytes where they were: read them.
  const bytes = await readWebStream(raw.body, maxBytes, { declaredLength, timeoutMs })
  cache.arrayBuffer = Promise.resolve(exactBuffer(bytes))
  return { bytes, source: 'stream' }
}
