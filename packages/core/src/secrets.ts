import { crypto } from '#crypto'
import type { MaybePromise } from './crypto/types.js'
import type { Scheme } from './schemes/types.js'

/** One secret, or several while rotating (a signature by any of them passes). */
export type SecretInput = string | Uint8Array | Array<string | Uint8Array>

function isSecret(value: unknown): value is string | Uint8Array {
  return (typeof value === 'string' || value instanceof Uint8Array) && value.length > 0
}

/** Validates the `secret` option. Messages never include the secret itself. */
export function normalizeSecrets(secret: SecretInput): ReadonlyArray<string | Uint8Array> {
  const list = Array.isArray(secret) ? secret : [secret]
  if (list.length === 0 || !list.every(isSecret)) {
    throw new TypeError(
      'secret must be a non-empty string or Uint8Array, or a non-empty array of them',
    )
  }
  return list
}

// Imported keys, per scheme object: string secrets by value (bounded), byte secrets by identity.
interface KeyCache {
  strings: Map<string, unknown>
  bytes: WeakMap<Uint8Array, unknown>
}
const caches = new WeakMap<Scheme, KeyCache>()
const MAX_STRING_KEYS = 256

/** The scheme's HMAC key for a secret, imported once and reused. */
export function hmacKey(scheme: Scheme, secret: string | Uint8Array): MaybePromise<unknown> {
  let cache = caches.get(scheme)
  if (!cache) {
    cache = { strings: new Map(), bytes: new WeakMap() }
    caches.set(scheme, cache)
  }
  const hit = typeof secret === 'string' ? cache.strings.get(secret) : cache.bytes.get(secret)
  if (hit !== undefined) return hit
  const imported = crypto.importHmacKey(scheme.key(secret))
  const store = (key: unknown) => {
    if (typeof secret !== 'string') cache.bytes.set(secret, key)
    else {
      if (cache.strings.size >= MAX_STRING_KEYS) cache.strings.clear()
      cache.strings.set(secret, key)
    }
    return key
  }
  return imported instanceof Promise ? imported.then(store) : store(imported)
}
