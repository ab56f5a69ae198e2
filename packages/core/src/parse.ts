import { utf8Decode } from './encoding.js'
import { WebhookVerificationError } from './errors.js'
import type { HeaderGetter } from './headers.js'
import type { Scheme } from './schemes/types.js'

/**
 * Parses a verified raw body the way its scheme says (JSON by default; form-encoded GitHub and
 * Slack bodies by their `Content-Type`). The receiver and a durable inbox's workers both parse
 * here, so a stored event resolves to exactly what the receiver saw.
 *
 * @example
 * const event = parseEvent(githubScheme, rawBody, headerGetter({ 'content-type': contentType }))
 */
export function parseEvent(
  scheme: Scheme,
  payload: string | Uint8Array,
  header: HeaderGetter,
): unknown {
  const text = utf8Decode(payload)
  try {
    return scheme.parse ? scheme.parse(text, header) : JSON.parse(text)
  } catch (cause) {
    throw new WebhookVerificationError(
      'INVALID_PAYLOAD',
      `Signature is valid but the body is not valid ${scheme.parse ? 'for this scheme' : 'JSON'}`,
      { cause },
    )
  }
}
