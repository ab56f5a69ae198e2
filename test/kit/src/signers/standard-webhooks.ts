import { generateKeyPairSync, type KeyObject, sign as nodeSign, randomUUID } from 'node:crypto'
import { NOW_S, STANDARD_WEBHOOKS_SECRET } from '../constants.js'
import { hmac, type KitSignOptions } from './hmac.js'

/** Options of the Standard Webhooks and Svix signers. */
export interface StandardWebhooksSignOptions extends KitSignOptions {
  /** Sign with Ed25519 (`v1a`) instead of HMAC (`v1`). */
  ed25519?: Ed25519Pair | KeyObject
}

/** An Ed25519 key pair serialised the way Standard Webhooks does, with a node:crypto signer. */
export interface Ed25519Pair {
  /** `whpk_<base64 32-byte public key>`: what a receiver verifies with. */
  whpk: string
  /** `whsk_<base64 32-byte seed>`. */
  whsk: string
  /** `whsk_<base64 seed and public key>` (64 bytes). */
  whsk64: string
  seed: Buffer
  pub: Buffer
  privateKey: KeyObject
  publicKey: KeyObject
  /** A base64 Ed25519 signature over `content`, made by node:crypto. */
  sign(content: string | Uint8Array): string
}

/**
 * A fresh Ed25519 key pair for Standard Webhooks' `v1a` signatures.
 *
 * @example
 * const pair = ed25519Pair()
 * await verify({ scheme: 'standard-webhooks', payload, secret: pair.whpk,
 *   headers: signStandardWebhooks(payload, { ed25519: pair }), now: NOW })
 */
export function ed25519Pair(): Ed25519Pair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  const seed = Buffer.from(jwk.d as string, 'base64url')
  const pub = Buffer.from(jwk.x as string, 'base64url')
  return {
    whpk: `whpk_${pub.toString('base64')}`,
    whsk: `whsk_${seed.toString('base64')}`,
    whsk64: `whsk_${Buffer.concat([seed, pub]).toString('base64')}`,
    seed,
    pub,
    privateKey,
    publicKey,
    sign: (content) => nodeSign(null, Buffer.from(content), privateKey).toString('base64'),
  }
}

/** The HMAC key of a Standard Webhooks secret: base64 after `whsec_`; bytes are the key. */
export function standardWebhooksKey(secret: string | Uint8Array): Uint8Array {
  if (typeof secret !== 'string') return secret
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64')
}

/** The three headers a Standard Webhooks sender attaches, under its header prefix. */
export type StandardWebhooksHeaders<P extends string> = Record<
  `${P}-id` | `${P}-timestamp` | `${P}-signature`,
  string
>

function signWith<P extends 'webhook' | 'svix'>(prefix: P) {
  return (
    body: string | Uint8Array,
    options: StandardWebhooksSignOptions = {},
  ): StandardWebhooksHeaders<P> => {
    const id = options.id ?? `msg_${randomUUID().replaceAll('-', '')}`
    const timestamp = String(options.timestamp ?? NOW_S)
    const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)])
    let signature: string
    if (options.ed25519 === undefined) {
      const key = standardWebhooksKey(options.secret ?? STANDARD_WEBHOOKS_SECRET)
      signature = `v1,${hmac(key, content).toString('base64')}`
    } else {
      const key = 'privateKey' in options.ed25519 ? options.ed25519.privateKey : options.ed25519
      signature = `v1a,${nodeSign(null, content, key).toString('base64')}`
    }
    return {
      [`${prefix}-id`]: id,
      [`${prefix}-timestamp`]: timestamp,
      [`${prefix}-signature`]: signature,
    } as StandardWebhooksHeaders<P>
  }
}

/**
 * Standard Webhooks (standardwebhooks.com spec): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">`, keyed with the
 * base64-decoded `whsec_` secret; with `ed25519`, `v1a,<base64 Ed25519 signature>` of the same
 * content. A random `msg_…` id unless `id` is given.
 *
 * @example
 * signStandardWebhooks(BODY, { id: 'msg_1' })['webhook-signature'] // 'v1,…'
 */
export const signStandardWebhooks: (
  body: string | Uint8Array,
  options?: StandardWebhooksSignOptions,
) => StandardWebhooksHeaders<'webhook'> = signWith('webhook')

/**
 * Svix (and Clerk, Resend…): Standard Webhooks with `svix-id`, `svix-timestamp` and
 * `svix-signature` headers.
 *
 * @example
 * signSvix(BODY, { id: 'msg_1' })['svix-signature'] // 'v1,…'
 */
export const signSvix: (
  body: string | Uint8Array,
  options?: StandardWebhooksSignOptions,
) => StandardWebhooksHeaders<'svix'> = signWith('svix')
