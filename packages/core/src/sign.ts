import { crypto } from '#crypto'
import { hexEncode } from './encoding.js'
import { resolveScheme, type SchemeName } from './schemes/registry.js'
import type { Scheme } from './schemes/types.js'
import { hmacKey, normalizeSecrets } from './secrets.js'

/** What `sign` takes. */
export interface SignInput {
  /** The exact body you will send. */
  payload: string | Uint8Array
  secret: string | Uint8Array
  /** Unix seconds; default now. */
  timestamp?: number
  /** The message id, for schemes that sign one; generated when omitted. */
  id?: string
  scheme?: SchemeName | Scheme
}

function messageId(): string {
  return `msg_${hexEncode(crypto.randomBytes(12))}`
}

/**
 * Signs a payload the way a sender would and returns the headers to send (lower-case names).
 * Use it to test your receiver, or to send webhooks of your own.
 *
 * @example
 * const body = JSON.stringify({ id: 'evt_1', type: 'order.created', data: { object: {} } })
 * const headers = await sign({ payload: body, secret: process.env.WEBHOOK_SECRET })
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } })
 */
export async function sign(input: SignInput): Promise<Record<string, string>> {
  if (typeof input !== 'object' || input === null) throw new TypeError('sign() takes an object')
  const scheme = resolveScheme(input.scheme)
  const [secret] = normalizeSecrets(input.secret)
  const { payload } = input
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new TypeError('payload must be a string or Uint8Array')
  }
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000)
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError('timestamp must be a whole number of unix seconds')
  }
  if (input.id !== undefined && (typeof input.id !== 'string' || input.id === '')) {
    throw new TypeError('id must be a non-empty string')
  }
  const id = input.id ?? (scheme.needsId ? messageId() : undefined)
  const timestampText = String(timestamp)
  const parts = { timestamp, timestampText, signatures: [], ...(id === undefined ? {} : { id }) }
  const key = await hmacKey(scheme, secret as string | Uint8Array)
  const signature = await crypto.hmacSha256(key, scheme.content(parts, payload))
  return scheme.headers({ signature, timestamp, id })
}
