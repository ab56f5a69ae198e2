import type { Chunk, CryptoProvider } from './types.js'

const encoder = new TextEncoder()
const subtle = (): SubtleCrypto => globalThis.crypto.subtle

function concat(chunks: readonly Chunk[]): Uint8Array<ArrayBuffer> {
  const parts = chunks.map((c) => (typeof c === 'string' ? encoder.encode(c) : c))
  let length = 0
  for (const p of parts) length += p.byteLength
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}

// Pack a raw 32-byte Ed25519 private key as PKCS#8, the only private format Web Crypto imports.
const PKCS8_PREFIX = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const
const HASH_NAMES = { sha1: 'SHA-1', sha256: 'SHA-256' } as const

/** Web Crypto back end, for Workers, Deno, Bun and browsers. */
export const crypto: CryptoProvider = {
  importHmacKey: (hash, secret) =>
    subtle().importKey('raw', concat([secret]), { name: 'HMAC', hash: HASH_NAMES[hash] }, false, [
      'sign',
    ]),
  async hmac(key, chunks) {
    return new Uint8Array(await subtle().sign('HMAC', key as CryptoKey, concat(chunks)))
  },
  async sha256(chunks) {
    return new Uint8Array(await subtle().digest('SHA-256', concat(chunks)))
  },
  timingSafeEqual(a, b) {
    if (a.byteLength !== b.byteLength) return false
    let diff = 0
    for (let i = 0; i < a.byteLength; i++) diff |= (a[i] as number) ^ (b[i] as number)
    return diff === 0
  },
  async importPublicKey(algorithm, key) {
    if (algorithm === 'ed25519') {
      if (key.byteLength !== 32) throw new TypeError('an Ed25519 public key must be 32 bytes')
      return subtle().importKey('raw', concat([key]), { name: 'Ed25519' }, false, ['verify'])
    }
    return subtle().importKey('spki', concat([key]), ECDSA, false, ['verify'])
  },
  async verifySignature(algorithm, key, signature, data) {
    if (signature.byteLength !== 64) return false
    const params = algorithm === 'ed25519' ? { name: 'Ed25519' } : { ...ECDSA, hash: 'SHA-256' }
    return subtle().verify(params, key as CryptoKey, concat([signature]), concat(data))
  },
  async ed25519Sign(privateKey, data) {
    const pkcs8 = concat([new Uint8Array(PKCS8_PREFIX), privateKey])
    const key = await subtle().importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign'])
    return new Uint8Array(await subtle().sign('Ed25519', key, concat(data)))
  },
  randomBytes: (length) => globalThis.crypto.getRandomValues(new Uint8Array(length)),
}
