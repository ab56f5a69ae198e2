import { base64DecodeSignature, base64Encode, hexDecodeSignature, hexEncode } from '../encoding.js'
import type { HeaderGetter } from '../headers.js'
import { defineScheme, hmacSignature, rawSecretKey } from './define.js'
import { invalidSignature, requiredHeader } from './read.js'
import type { Scheme } from './types.js'

/** How a sender that signs the body alone with an HMAC writes its signature header. */
export interface BodyHmacOptions {
  name: string
  /** The signature header's lower-case name. */
  header: string
  /** The header as the sender spells it, for error messages. */
  display: string
  encoding: 'hex' | 'base64'
  /** Text before the signature (`sha256=`); default none. */
  prefix?: string
  /** Default `'sha256'`. */
  hash?: 'sha1' | 'sha256'
  eventId?: Scheme['eventId']
  eventType?: Scheme['eventType']
}

/**
 * A scheme for senders that put one HMAC of the raw body in one header: Linear, Lemon Squeezy,
 * Typeform, Coinbase Commerce, Intercom, Vercel, Meta. The secret is the key as given.
 *
 * @example
 * const acme = bodyHmacScheme({ name: 'acme', header: 'x-acme-signature', display: 'X-Acme-Signature', encoding: 'hex' })
 */
export function bodyHmacScheme(options: BodyHmacOptions): Scheme {
  const { header: name, display, encoding, prefix = '', hash = 'sha256' } = options
  const length = hash === 'sha1' ? 20 : 32
  const decode = encoding === 'hex' ? hexDecodeSignature : base64DecodeSignature
  const encode = encoding === 'hex' ? hexEncode : base64Encode
  return defineScheme({
    name: options.name,
    read(header: HeaderGetter) {
      const text = requiredHeader(header, name, display)
      if (!text.startsWith(prefix)) throw invalidSignature(`${display} must start with ${prefix}`)
      const value = text.slice(prefix.length)
      return {
        signatures: hmacSignature(decode(encoding === 'hex' ? value.toLowerCase() : value), length),
      }
    },
    key: (secret) => ({
      type: hash === 'sha1' ? 'hmac-sha1' : 'hmac-sha256',
      key: rawSecretKey(secret),
    }),
    headers: ({ signature }) => ({ [name]: `${prefix}${encode(signature)}` }),
    ...(options.eventId ? { eventId: options.eventId } : {}),
    ...(options.eventType ? { eventType: options.eventType } : {}),
  })
}
