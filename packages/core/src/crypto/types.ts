/** A piece of signed content; strings are hashed as UTF-8. */
export type Chunk = string | Uint8Array

/** The hash under an HMAC: SHA-256 for most senders, SHA-1 for Twilio. */
export type HmacHash = 'sha1' | 'sha256'

/**
 * A public-key signature algorithm. Keys: Ed25519 as the raw 32 bytes; ECDSA P-256 as SPKI DER.
 * ECDSA signatures are IEEE P1363 (`r || s`, 64 bytes): the form Web Crypto verifies.
 */
export type PublicKeyAlgorithm = 'ed25519' | 'ecdsa-p256'

/**
 * The one interface both crypto back ends implement. `#crypto` resolves to the
 * node:crypto one under the `node` export condition and to Web Crypto elsewhere.
 */
export interface CryptoProvider {
  /** Prepare an HMAC key once, so repeated verifications skip the import. */
  importHmacKey(hash: HmacHash, secret: Uint8Array): Promise<unknown>
  /** HMAC over the chunks, in order, as if concatenated, with a key from `importHmacKey`. */
  hmac(key: unknown, chunks: readonly Chunk[]): Promise<Uint8Array>
  /** SHA-256 of the chunks, as if concatenated. */
  sha256(chunks: readonly Chunk[]): Promise<Uint8Array>
  /** Constant-time equality; different lengths are simply unequal, never a throw. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
  /** Prepare a public key once; rejects for bytes that are not a key of the algorithm. */
  importPublicKey(algorithm: PublicKeyAlgorithm, key: Uint8Array): Promise<unknown>
  /** Whether `signature` over the chunks verifies with a key from `importPublicKey`. */
  verifySignature(
    algorithm: PublicKeyAlgorithm,
    key: unknown,
    signature: Uint8Array,
    data: readonly Chunk[],
  ): Promise<boolean>
  /** Sign with a raw 32-byte Ed25519 private key (seed). */
  ed25519Sign(privateKey: Uint8Array, data: readonly Chunk[]): Promise<Uint8Array>
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array
  /**
   * Lower-case hex SHA-256 in one synchronous call, where the platform has one (node:crypto's
   * `hash`): the idempotency fingerprint of every processed event, without a hash object or a
   * promise per event.
   */
  readonly syncSha256Hex?: (data: Chunk) => string
  /**
   * Synchronous HMAC, where the platform has one (node:crypto; absent on Web Crypto). `verify`
   * uses it when every configured key is an HMAC key: see `hmacFastPath` in verify.ts.
   */
  readonly syncHmac?: {
    importKey(hash: HmacHash, secret: Uint8Array): unknown
    hmac(key: unknown, chunks: readonly Chunk[]): Uint8Array
  }
}
