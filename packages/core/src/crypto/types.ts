/** A value that may or may not need awaiting: node:crypto answers synchronously. */
export type MaybePromise<T> = T | Promise<T>

/** A piece of signed content; strings are hashed as UTF-8. */
export type Chunk = string | Uint8Array

/**
 * The one interface both crypto back ends implement. `#crypto` resolves to the
 * node:crypto one under the `node` export condition and to Web Crypto elsewhere.
 */
export interface CryptoProvider {
  /** Prepare an HMAC-SHA256 key once, so repeated verifications skip the import. */
  importHmacKey(secret: Uint8Array): MaybePromise<unknown>
  /** HMAC-SHA256 over the chunks, in order, as if concatenated. */
  hmacSha256(key: unknown, chunks: readonly Chunk[]): MaybePromise<Uint8Array>
  /** SHA-256 of the chunks, as if concatenated. */
  sha256(chunks: readonly Chunk[]): MaybePromise<Uint8Array>
  /** Constant-time equality; different lengths are simply unequal, never a throw. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
  /** Verify an Ed25519 signature with a raw 32-byte public key. */
  ed25519Verify(
    publicKey: Uint8Array,
    signature: Uint8Array,
    data: readonly Chunk[],
  ): MaybePromise<boolean>
  /** Sign with a raw 32-byte Ed25519 private key (seed). */
  ed25519Sign(privateKey: Uint8Array, data: readonly Chunk[]): MaybePromise<Uint8Array>
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array
}
