import { base64Decode, utf8Encode } from '../encoding.js'
import type { Scheme } from '../schemes/types.js'
import type { Cause } from './body-variants.js'

/** A candidate for the secret the sender signed with; `causes` say how the configured one differs. */
export interface SecretVariant {
  secret: string | Uint8Array
  causes: Cause[]
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])
}

/** The HMAC key bytes the scheme derives from a secret, or undefined when it refuses it. */
function keyBytes(scheme: Scheme, secret: string | Uint8Array): Uint8Array | undefined {
  try {
    const derived = scheme.key(secret)
    const key = Array.isArray(derived) ? derived[0] : derived
    if (key instanceof Uint8Array) return key
    return key?.type === 'hmac-sha256' || key?.type === 'hmac-sha1' ? key.key : undefined
  } catch {
    return undefined
  }
}

/** The secret without surrounding whitespace and quotes, and what was removed. */
function cleaned(secret: string): { secret: string; causes: Cause[] } {
  const causes: Cause[] = []
  let text = secret.trim()
  if (text !== secret) {
    causes.push({
      code: 'SECRET_WHITESPACE',
      message:
        'The signature matches with the secret trimmed: the configured secret has surrounding whitespace or a newline',
    })
  }
  const quote = text[0]
  if ((quote === '"' || quote === "'") && text.length > 2 && text.endsWith(quote)) {
    text = text.slice(1, -1).trim()
    causes.push({
      code: 'SECRET_QUOTED',
      message:
        'The signature matches with the quotes around the secret removed: the quotes were loaded as part of it',
    })
  }
  return { secret: text, causes }
}

/**
 * Candidates for the secret the sender used, for one configured secret: trimmed and unquoted,
 * with the `whsec_` prefix restored, used as a raw string where the scheme decodes it, and
 * base64-decoded where the scheme uses it raw. Only forms whose key differs are kept.
 */
export function secretVariants(scheme: Scheme, secret: string | Uint8Array): SecretVariant[] {
  if (typeof secret !== 'string') return [{ secret, causes: [] }]
  const out: SecretVariant[] = []
  const keys: Uint8Array[] = []
  const push = (candidate: string | Uint8Array, causes: Cause[]) => {
    const key = keyBytes(scheme, candidate)
    if (key && keys.some((k) => sameBytes(k, key))) return
    if (key) keys.push(key)
    out.push({ secret: candidate, causes })
  }
  push(secret, [])
  const clean = cleaned(secret)
  const bases: Array<[string, Cause[]]> = [[secret, []]]
  if (clean.secret !== secret && clean.secret !== '') bases.push([clean.secret, clean.causes])
  for (const [base, causes] of bases) {
    if (base !== secret) push(base, causes)
    if (!base.startsWith('whsec_')) {
      push(`whsec_${base}`, [
        ...causes,
        {
          code: 'SECRET_PREFIX_MISSING',
          message:
            'The signature matches with whsec_ in front of the secret: the sender signs with the whole secret, prefix included',
        },
      ])
    }
    push(utf8Encode(base), [
      ...causes,
      {
        code: 'SECRET_RAW_STRING',
        message:
          'The signature matches with the secret used as a plain string: the sender does not base64-decode it',
      },
    ])
    const decoded = base64Decode(base.startsWith('whsec_') ? base.slice(6) : base)
    if (decoded && decoded.byteLength > 0) {
      push(decoded, [
        ...causes,
        {
          code: 'SECRET_BASE64_DECODED',
          message:
            'The signature matches with the base64-decoded secret: the sender decodes the secret (after any whsec_ prefix) and signs with the bytes',
        },
      ])
    }
  }
  return out
}
