import { crypto } from '#crypto'
import type { Chunk } from './crypto/types.js'
import type { SignedParts } from './schemes/types.js'
import type { PreparedKey } from './secrets.js'

/** Digest lengths: a candidate of another length can never match, so it costs no HMAC. */
const DIGEST_BYTES = { sha1: 20, sha256: 32 } as const

const hasLength = (candidates: readonly Uint8Array[], length: number): boolean =>
  candidates.some((candidate) => candidate.byteLength === length)

const anyEqual = (expected: Uint8Array, candidates: readonly Uint8Array[]): boolean =>
  candidates.some((candidate) => crypto.timingSafeEqual(expected, candidate))

async function publicKeyMatches(
  key: Extract<PreparedKey, { kind: 'public' }>,
  candidates: readonly Uint8Array[],
  content: readonly Chunk[],
): Promise<boolean> {
  if (candidates.length === 0) return false
  const handle = await key.handle
  for (const candidate of candidates) {
    try {
      if (await crypto.verifySignature(key.algorithm, handle, candidate, content)) return true
    } catch {
      // A signature the back end refuses to parse is simply not a match.
    }
  }
  return false
}

/**
 * Whether one key signed any of the request's candidates: each kind of key checks its own list
 * (a shared-secret key `signatures`, an Ed25519 key `ed25519Signatures`, an ECDSA key
 * `ecdsaSignatures`). A new algorithm is a new case here and a primitive in both back ends.
 */
export async function keyMatches(
  key: PreparedKey,
  parts: SignedParts,
  content: readonly Chunk[],
): Promise<boolean> {
  switch (key.kind) {
    case 'hmac':
      if (!hasLength(parts.signatures, DIGEST_BYTES[key.hash])) return false
      return anyEqual(await crypto.hmac(await key.handle, content), parts.signatures)
    case 'token':
      return anyEqual(key.token, parts.signatures)
    case 'public':
      return publicKeyMatches(
        key,
        (key.algorithm === 'ed25519' ? parts.ed25519Signatures : parts.ecdsaSignatures) ?? [],
        content,
      )
    case 'ed25519-private':
      // Refused when the options are checked; a signing key never verifies.
      return false
  }
}

/** Whether any of the keys signed the request. */
export async function anyKeyMatches(
  keys: readonly PreparedKey[],
  parts: SignedParts,
  content: readonly Chunk[],
): Promise<boolean> {
  for (const key of keys) {
    if (await keyMatches(key, parts, content)) return true
  }
  return false
}

/**
 * The synchronous check for options whose keys are all HMAC keys, on a back end with a
 * synchronous HMAC (node:crypto): `undefined` otherwise. Chosen once per checked options; it
 * skips a promise and an `await` per key on the path most receivers take (see BENCHMARKS.md).
 */
export function hmacFastPath(
  keys: readonly PreparedKey[],
): ((parts: SignedParts, content: readonly Chunk[]) => boolean) | undefined {
  const sync = crypto.syncHmac
  if (sync === undefined) return undefined
  const hmacKeys: Array<{ handle: unknown; length: number }> = []
  for (const key of keys) {
    if (key.kind !== 'hmac') return undefined
    hmacKeys.push({ handle: key.syncHandle, length: DIGEST_BYTES[key.hash] })
  }
  return (parts, content) =>
    hmacKeys.some(
      ({ handle, length }) =>
        hasLength(parts.signatures, length) &&
        anyEqual(sync.hmac(handle, content), parts.signatures),
    )
}
