import { createHmac, generateKeyPairSync, sign as nodeSign } from 'node:crypto'

/** HMAC-SHA256 computed with node:crypto, so scheme tests never check the code against itself. */
export function hmac(key: string | Uint8Array, ...parts: Array<string | Uint8Array>): Buffer {
  const h = createHmac('sha256', key)
  for (const part of parts) h.update(part)
  return h.digest()
}

const fromBase64Url = (text: string): Buffer => Buffer.from(text, 'base64url')

/** A fresh Ed25519 key pair as Standard Webhooks serialises it, plus a node:crypto signer. */
export function ed25519Pair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  const seed = fromBase64Url(jwk.d as string)
  const pub = fromBase64Url(jwk.x as string)
  return {
    whpk: `whpk_${pub.toString('base64')}`,
    whsk: `whsk_${seed.toString('base64')}`,
    whsk64: `whsk_${Buffer.concat([seed, pub]).toString('base64')}`,
    seed,
    pub,
    /** A v1a signature over `content`, made by node:crypto rather than hookguard. */
    sign: (content: string | Uint8Array) =>
      nodeSign(null, Buffer.from(content), privateKey).toString('base64'),
    publicKey,
  }
}
