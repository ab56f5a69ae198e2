import { WebhookVerificationError } from '@hookguard/core'
import { readWebStream } from '@hookguard/core/adapter'

/**
 * The exact body bytes within `maxBytes`: refused at once when `Content-Length` declares too
 * much, cut off while streaming otherwise. A body something else read first is
 * `RAW_BODY_UNAVAILABLE`; a stream that fails midway (the client went away) is a
 * `RequestAbortedError`.
 */
export async function readBody(
  request: Request,
  maxBytes: number,
  timeoutMs?: number,
): Promise<Uint8Array> {
  if (request.bodyUsed) {
    throw new WebhookVerificationError(
      'RAW_BODY_UNAVAILABLE',
      'The request body was already read (request.json(), text() or formData()), so the exact ' +
        'bytes the signature covers are gone. Hand hookguard the request before anything reads ' +
        'it, or give it request.clone() and read the original yourself',
    )
  }
  // Core's reader turns a stream that fails midway (the client went away) into RequestAbortedError.
  return readWebStream(request.body, maxBytes, {
    declaredLength: request.headers.get('content-length'),
    timeoutMs,
  })
}
