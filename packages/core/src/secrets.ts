import { crypto } from '#crypto'
import type { HmacHash, PublicKeyAlgorithm } from './crypto/types.js'
import type { Scheme, SchemeKey } from './schemes/types.js'

/** One secret, or several while rotating (a signature by any of them passes). */
export type SecretInput = string | Uint8Array | Array<string | Uint8Array>

function isSecret(value: unknown): value is string | Uint8Array {
  return (typeof value === 'string' || value instanceof Uint8Array) && value.length > 0
}

/** What a bad secret was, for the message: never the secret itself. */
function describeBadSecret(value: unknown): string {
  if (value === undefined || value === null) {
    return `got ${value}: is the environment variable that should hold it (say WEBHOOK_SECRET) set in this process?`
  }
  if (value === '') {
    return 'got an empty string: is the environment variable that should hold it (say WEBHOOK_SECRET) empty?'
  }
  if (value instanceof Uint8Array) return 'got an empty Uint8Array'
  return `got ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}`
}

/** Validates the `secret` option. Messages never include the secret itself. */
export function normalizeSecrets(secret: SecretInput): ReadonlyArray<string | Uint8Array> {
  const list: unknown[] = Array.isArray(secret) ? secret : [secret]
  if (list.length === 0) {
    throw new TypeError('secret must not be an empty array: give at least one secret')
  }
  const bad = list.findIndex((value) => !isSecret(value))
  if (bad !== -1) {
    const where = Array.isArray(secret) ? `secret[${bad}]` : 'secret'
    throw new TypeError(
      `${where} must be a non-empty string or Uint8Array (or secret an array of them); ${describeBadSecret(list[bad])}`,
    )
  }
  // The key cache must hold every secret a receiver was given, or each request would re-import them.
  stringKeyCap = Math.max(stringKeyCap, 2 * list.length)
  return list as ReadonlyArray<string | Uint8Array>
}

/**
 * A secret turned into a usable key, by what checks a signature with it. The kind is known
 * synchronously, so misuse (a signing key given to `verify`) is a `TypeError` when options are
 * checked; imports that may be asynchronous (Web Crypto) are promises, started once.
 */
export type PreparedKey =
  | {
      readonly kind: 'hmac'
      readonly hash: HmacHash
      readonly handle: Promise<unknown>
      /** The same key for the synchronous node:crypto HMAC; `undefined` on Web Crypto. */
      readonly syncHandle: unknown
    }
  | { readonly kind: 'token'; readonly token: Uint8Array }
  | {
      readonly kind: 'public'
      readonly algorithm: PublicKeyAlgorithm
      readonly handle: Promise<unknown>
    }
  | { readonly kind: 'ed25519-private'; readonly key: Uint8Array; readonly publicKey?: Uint8Array }

// Prepared keys, per scheme object: string secrets by value (bounded), byte secrets by identity.
interface KeyCache {
  strings: Map<string, readonly PreparedKey[]>
  bytes: WeakMap<Uint8Array, readonly PreparedKey[]>
}
const caches = new WeakMap<Scheme, KeyCache>()
/** At least this many string secrets are cached per scheme; more when a longer list was given. */
const MAX_STRING_KEYS = 256
let stringKeyCap = MAX_STRING_KEYS

function bytesOf(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.byteLength === 0) {
    throw new TypeError(`the scheme's key() returned an empty or invalid ${what}`)
  }
  return value
}

// A failed import surfaces where the key is used; this only keeps it from going unhandled first.
function started(handle: Promise<unknown>): Promise<unknown> {
  handle.catch(() => {})
  return handle
}

function hmacKey(hash: HmacHash, raw: Uint8Array): PreparedKey {
  return {
    kind: 'hmac',
    hash,
    handle: started(crypto.importHmacKey(hash, raw)),
    syncHandle: crypto.syncHmac?.importKey(hash, raw),
  }
}

function prepare(derived: SchemeKey): PreparedKey {
  if (derived instanceof Uint8Array) return hmacKey('sha256', bytesOf(derived, 'HMAC key'))
  switch (derived.type) {
    case 'hmac-sha256':
      return hmacKey('sha256', bytesOf(derived.key, 'HMAC key'))
    case 'hmac-sha1':
      return hmacKey('sha1', bytesOf(derived.key, 'HMAC key'))
    case 'token':
      return { kind: 'token', token: bytesOf(derived.key, 'token') }
    case 'ecdsa-p256-public': {
      const key = bytesOf(derived.key, 'ECDSA key')
      return {
        kind: 'public',
        algorithm: 'ecdsa-p256',
        handle: started(crypto.importPublicKey('ecdsa-p256', key)),
      }
    }
    case 'ed25519-public': {
      const key = bytesOf(derived.key, 'Ed25519 key')
      if (key.byteLength !== 32) throw new TypeError('an Ed25519 key must be 32 bytes')
      return {
        kind: 'public',
        algorithm: 'ed25519',
        handle: started(crypto.importPublicKey('ed25519', key)),
      }
    }
    case 'ed25519-private': {
      const key = bytesOf(derived.key, 'Ed25519 key')
      if (key.byteLength !== 32) throw new TypeError('an Ed25519 key must be 32 bytes')
      const { publicKey } = derived
      if (publicKey !== undefined && bytesOf(publicKey, 'Ed25519 key').byteLength !== 32) {
        throw new TypeError('an Ed25519 public key must be 32 bytes')
      }
      return publicKey === undefined
        ? { kind: 'ed25519-private', key }
        : { kind: 'ed25519-private', key, publicKey }
    }
    default:
      throw new TypeError("the scheme's key() returned an unknown key type")
  }
}

function prepareAll(derived: SchemeKey | readonly SchemeKey[]): readonly PreparedKey[] {
  if (!Array.isArray(derived)) return [prepare(derived as SchemeKey)]
  if (derived.length === 0) throw new TypeError("the scheme's key() returned no key")
  return derived.map(prepare)
}

/**
 * The scheme's keys for a secret (one for most schemes), derived and imported once, then reused:
 * the hot path never decodes a secret again.
 */
export function preparedKeys(scheme: Scheme, secret: string | Uint8Array): readonly PreparedKey[] {
  let cache = caches.get(scheme)
  if (!cache) {
    cache = { strings: new Map(), bytes: new WeakMap() }
    caches.set(scheme, cache)
  }
  const hit = typeof secret === 'string' ? cache.strings.get(secret) : cache.bytes.get(secret)
  if (hit !== undefined) return hit
  const prepared = prepareAll(scheme.key(secret))
  if (typeof secret !== 'string') cache.bytes.set(secret, prepared)
  else {
    if (cache.strings.size >= stringKeyCap) cache.strings.clear()
    cache.strings.set(secret, prepared)
  }
  return prepared
}
