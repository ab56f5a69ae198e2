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
import type { Chunk, CryptoProvider } from './types.js'

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

function concat(chunks: readonly Chunk[]): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)))
}

/** node:crypto back end: synchronous, and ~3-5x faster than Web Crypto for small bodies. */
export const crypto: CryptoProvider = {
  importHmacKey: (secret) => createSecretKey(secret),
  hmacSha256(key, chunks) {
    const hmac = createHmac('sha256', key as KeyObject)
    for (const chunk of chunks) hmac.update(chunk)
    return hmac.digest()
  },
  sha256(chunks) {
    const hash = createHash('sha256')
    for (const chunk of chunks) hash.update(chunk)
    return hash.digest()
  },
  timingSafeEqual: (a, b) => a.byteLength === b.byteLength && nodeTimingSafeEqual(a, b),
  ed25519Verify(publicKey, signature, data) {
    if (publicKey.byteLength !== 32 || signature.byteLength !== 64) return false
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    })
    return verify(null, concat(data), key, signature)
  },
  ed25519Sign(privateKey, data) {
    const key = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, privateKey]),
      format: 'der',
      type: 'pkcs8',
    })
    return sign(null, concat(data), key)
  },
  randomBytes: (length) => randomFillSync(new Uint8Array(length)),
}
