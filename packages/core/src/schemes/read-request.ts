import { utf8Decode } from '../encoding.js'
import { WebhookVerificationError } from '../errors.js'
import type { HeaderGetter } from '../headers.js'
import { readSignedParts } from './present.js'
import type { Scheme, SignedParts } from './types.js'

/** What a request carries for its signature check. */
export interface ReadRequest {
  parts: SignedParts
  /**
   * The body as the scheme's `readBody` parsed it before verifying: once a signature matches, it
   * is the event. `undefined` for the schemes that parse after verifying.
   */
  parsed: unknown
}

function readBodyFirst(
  scheme: Scheme & Required<Pick<Scheme, 'readBody'>>,
  raw: string | Uint8Array,
  header: HeaderGetter,
): unknown {
  try {
    return scheme.readBody(utf8Decode(raw), header)
  } catch (cause) {
    if (cause instanceof WebhookVerificationError) throw cause
    throw new WebhookVerificationError(
      'INVALID_SIGNATURE',
      `The body could not be read, so it carries no signature the ${scheme.name} scheme can check`,
      { cause },
    )
  }
}

/**
 * Reads what a signature check needs: for most schemes the headers alone; for a scheme with
 * `readBody` (Mailgun, Twilio forms) the body first, parsed once, its result handed to `read`.
 * `verify` and `explain` both read here, so they cannot disagree about where a signature is.
 *
 * @example
 * const { parts, parsed } = readRequest(scheme, header, url, rawBody)
 */
export function readRequest(
  scheme: Scheme,
  header: HeaderGetter,
  url: string | undefined,
  raw: string | Uint8Array,
): ReadRequest {
  const parsed = scheme.readBody
    ? readBodyFirst(scheme as Scheme & Required<Pick<Scheme, 'readBody'>>, raw, header)
    : undefined
  const parts = readSignedParts(scheme, header, parsed === undefined ? { url } : { url, parsed })
  return { parts, parsed }
}
