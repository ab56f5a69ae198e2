import { createHmac } from 'node:crypto'

/**
 * HMAC-SHA256 of the concatenated `parts`, computed with node:crypto, never with hookguard, so
 * tests do not check the code against itself.
 *
 * @example
 * hmac(SECRET, `${NOW_S}.`, BODY).toString('hex')
 */
export function hmac(key: string | Uint8Array, ...parts: Array<string | Uint8Array>): Buffer {
  const h = createHmac('sha256', key)
  for (const part of parts) h.update(part)
  return h.digest()
}

/** What every kit signer accepts; each signer documents which fields its scheme uses. */
export interface KitSignOptions {
  /** The secret as the sender's dashboard shows it. Default: the kit's secret for the scheme. */
  secret?: string | Uint8Array
  /** Unix seconds; a string is sent as is (to test malformed timestamps). Default: `NOW_S`. */
  timestamp?: number | string
  /** The delivery/message id, for schemes that send one. */
  id?: string
}

/** A kit signer: the headers a real sender attaches to `body` (lower-case names). */
export type KitSigner = (
  body: string | Uint8Array,
  options?: KitSignOptions,
) => Record<string, string>
