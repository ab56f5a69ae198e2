import { WebhookVerificationError } from '../errors.js'
import type { HeaderGetter } from '../headers.js'
import { schemes } from './registry.js'
import type { Scheme, SignedParts, SignedRequest } from './types.js'

function readsAll(scheme: Scheme, header: HeaderGetter): boolean {
  try {
    scheme.read(header, { url: undefined })
    return true
  } catch {
    return false
  }
}

/**
 * Built-in schemes other than `configured` whose headers this request carries (their `read`
 * succeeds). For error paths and `explain` only: it reads the headers once per scheme.
 *
 * @example
 * otherSchemesPresent(hookguardScheme, header).map((s) => s.name) // ['stripe'] for a Stripe-Signature
 */
export function otherSchemesPresent(configured: Scheme, header: HeaderGetter): Scheme[] {
  // Senders that share a header layout (Meta and GitHub both send X-Hub-Signature-256) are no
  // evidence of a mix-up while the configured scheme reads the request fine.
  if (readsAll(configured, header)) return []
  const out: Scheme[] = []
  for (const scheme of Object.values(schemes) as Scheme[]) {
    if (scheme === configured || scheme.name === configured.name) continue
    try {
      scheme.read(header, { url: undefined })
      out.push(scheme)
    } catch {
      // Not this scheme's headers.
    }
  }
  return out
}

/**
 * `scheme.read(header, request)`; a `MISSING_HEADER` it throws names the scheme the request's headers
 * belong to when they are another built-in scheme's (a Stripe-Signature sent to the default
 * scheme). The search runs on that error only, so verification pays nothing for it.
 */
export function readSignedParts(
  scheme: Scheme,
  header: HeaderGetter,
  request: SignedRequest,
): SignedParts {
  try {
    return scheme.read(header, request)
  } catch (error) {
    if (!(error instanceof WebhookVerificationError) || error.code !== 'MISSING_HEADER') throw error
    const others = otherSchemesPresent(scheme, header)
    if (others.length === 0) throw error
    const names = others.map((other) => `'${other.name}'`)
    throw new WebhookVerificationError(
      'MISSING_HEADER',
      `${error.message} (scheme '${scheme.name}'); the request carries the headers of the ${names.join(' or ')} scheme: ` +
        `set scheme: ${names[0]} if that is the sender`,
      { cause: error },
    )
  }
}
