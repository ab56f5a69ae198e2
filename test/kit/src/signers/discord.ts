import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import { NOW_S } from '../constants.js'

/** An Ed25519 key pair in Discord's forms: the public key as hex, the private key for signing. */
export interface DiscordKeys {
  /** 64 hex digits, as the Developer Portal shows the application's public key. */
  publicKey: string
  /** 128 hex digits: seed then public key (a NaCl secret key), what hookguard's sign() takes. */
  secretKey: string
  privateKey: KeyObject
}

/**
 * A fresh Ed25519 pair from node:crypto.
 *
 * @example
 * const keys = discordKeys(); verify({ scheme: 'discord', secret: keys.publicKey, … })
 */
export function discordKeys(): DiscordKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url')
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url')
  return {
    publicKey: pub.toString('hex'),
    secretKey: Buffer.concat([seed, pub]).toString('hex'),
    privateKey,
  }
}

/** The kit's default Discord application keys. */
export const DISCORD_KEYS = discordKeys()

/** Options of the Discord signer. */
export interface DiscordSignOptions {
  /** The signing key; default the kit's. */
  privateKey?: KeyObject | string
  /** Unix seconds; a string is sent as is. Default: `NOW_S`. */
  timestamp?: number | string
}

/**
 * Discord interactions (discord.com/developers/docs/interactions/overview, "Setting up an
 * endpoint"): `X-Signature-Ed25519: <hex Ed25519 of timestamp + body>` and `X-Signature-Timestamp`.
 *
 * @example
 * signDiscord('{"type":1}')
 */
export function signDiscord(
  body: string | Uint8Array,
  options: DiscordSignOptions = {},
): { 'x-signature-ed25519': string; 'x-signature-timestamp': string } {
  const timestamp = String(options.timestamp ?? NOW_S)
  const key =
    typeof options.privateKey === 'string'
      ? createPrivateKey({
          key: Buffer.concat([
            Buffer.from('302e020100300506032b657004220420', 'hex'),
            Buffer.from(options.privateKey.slice(0, 64), 'hex'),
          ]),
          format: 'der',
          type: 'pkcs8',
        })
      : (options.privateKey ?? DISCORD_KEYS.privateKey)
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), key)
  return { 'x-signature-ed25519': signature.toString('hex'), 'x-signature-timestamp': timestamp }
}
