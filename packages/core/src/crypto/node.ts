import * as nodeCrypto from 'node:crypto'
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type KeyObject,
  timingSafeEqual as nodeTimingSafeEqual,
  randomFillSync,
  sign,
  verify,
} from 'node:crypto'
import type { Chunk, CryptoProvider, HmacHash } from './types.js'

// One-shot hashing (Node >= 20.12; absent from some runtimes that answer the node condition):
// read from the namespace, so a runtime without it still loads this module.
const oneShotHash = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

function concat(chunks: readonly Chunk[]): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)))
}

interface HmacKey {
  hash: HmacHash
  key: KeyObject
}

const importHmacKey = (hash: HmacHash, secret: Uint8Array): HmacKey => ({
  hash,
  key: createSecretKey(secret),
})

function hmac(key: unknown, chunks: readonly Chunk[]): Uint8Array {
  const { hash, key: secret } = key as HmacKey
  const mac = createHmac(hash, secret)
  for (const chunk of chunks) mac.update(chunk)
  return mac.digest()
}

/** node:crypto back end: synchronous underneath, and faster than Web Crypto for small bodies. */
export const crypto: CryptoProvider = {
  importHmacKey: async (hash, secret) => importHmacKey(hash, secret),
  hmac: async (key, chunks) => hmac(key, chunks),
  async sha256(chunks) {
    const hash = createHash('sha256')
    for (const chunk of chunks) hash.update(chunk)
    return hash.digest()
  },
  timingSafeEqual: (a, b) => a.byteLength === b.byteLength && nodeTimingSafeEqual(a, b),
  async importPublicKey(algorithm, key) {
    if (algorithm === 'ed25519') {
      if (key.byteLength !== 32) throw new TypeError('an Ed25519 public key must be 32 bytes')
      return createPublicKey({
        key: Buffer.concat([ED25519_SPKI_PREFIX, key]),
        format: 'der',
        type: 'spki',
      })
    }
    const imported = createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' })
    if (
      imported.asymmetricKeyType !== 'ec' ||
      imported.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
    ) {
      throw new TypeError('not an ECDSA P-256 public key')
    }
    return imported
  },
  async verifySignature(algorithm, key, signature, data) {
    if (algorithm === 'ed25519') {
      return signature.byteLength === 64 && verify(null, concat(data), key as KeyObject, signature)
    }
    if (signature.byteLength !== 64) return false
    return verify(
      'sha256',
      concat(data),
      { key: key as KeyObject, dsaEncoding: 'ieee-p1363' },
      signature,
    )
  },
  async ed25519Sign(privateKey, data) {
    const key = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, privateKey]),
      format: 'der',
      type: 'pkcs8',
    })
    return sign(null, concat(data), key)
  },
  randomBytes: (length) => randomFillSync(new Uint8Array(length)),
  ...(typeof oneShotHash === 'function'
    ? { syncSha256Hex: (data: Chunk) => oneShotHash('sha256', data, 'hex') }
    : {}),
  syncHmac: { importKey: importHmacKey, hmac },
}
