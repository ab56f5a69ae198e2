import { crypto } from '#crypto'
import type { Chunk } from './crypto/types.js'
import { randomMessageId } from './schemes/ids.js'
import { resolveScheme, type SchemeName } from './schemes/registry.js'
import type { Scheme, SignatureAlgorithm, SignedParts } from './schemes/types.js'
import { normalizeSecrets, type PreparedKey, preparedKeys } from './secrets.js'
import { looksLikeMilliseconds } from './timestamp.js'

/** What `sign` takes. */
export interface SignInput {
  /** The exact body you will send. */
  payload: string | Uint8Array
  /**
   * The signing secret, in the form the scheme's verifier expects (for Standard
   * Webhooks a `whsec_…` secret, or a `whsk_…` Ed25519 signing key for `v1a`).
   */
  secret: string | Uint8Array
  /** Unix seconds; default now. Ignored by schemes that sign no timestamp (GitHub, Shopify). */
  timestamp?: number
  /** The message or delivery id; generated when the scheme's sender always sends one. */
  id?: string
  /** A built-in scheme's name or a custom `Scheme`; default `'hookguard'`. */
  scheme?: SchemeName | Scheme
  /** The full URL the webhook is sent to, for schemes that sign it (`twilio`, `square`, `hubspot`). */
  url?: string
}

async function signWith(
  prepared: PreparedKey,
  content: Chunk[],
): Promise<{ signature: Uint8Array; algorithm: SignatureAlgorithm }> {
  switch (prepared.kind) {
    case 'hmac': {
      const signature = await crypto.hmac(await prepared.handle, content)
      return { signature, algorithm: prepared.hash === 'sha1' ? 'hmac-sha1' : 'hmac-sha256' }
    }
    case 'token':
      return { signature: prepared.token, algorithm: 'token' }
    case 'public':
      throw new TypeError(
        prepared.algorithm === 'ed25519'
          ? 'secret: a public key (whpk_) can only verify; sign with the Ed25519 signing key (whsk_)'
          : 'secret: a public key can only verify; sign with the matching private key',
      )
    case 'ed25519-private':
      return {
        signature: await ed25519Sign(prepared.key, prepared.publicKey, content),
        algorithm: 'ed25519',
      }
  }
}

async function ed25519Sign(
  key: Uint8Array,
  publicKey: Uint8Array | undefined,
  content: Chunk[],
): Promise<Uint8Array> {
  const signature = await crypto.ed25519Sign(key, content)
  if (publicKey === undefined) return signature
  // A 64-byte whsk_ key carries its public half: a mismatch means a corrupted or mixed-up key,
  // whose signatures no receiver holding the published whpk_ would accept.
  const handle = await crypto.importPublicKey('ed25519', publicKey)
  if (!(await crypto.verifySignature('ed25519', handle, signature, content))) {
    throw new TypeError("secret: the signing key's public half does not match its seed")
  }
  return signature
}

/**
 * Signs a payload the way a sender would and returns the headers to send (lower-case names).
 * Use it to test your receiver, or to send webhooks of your own. Add the headers the
 * scheme does not sign yourself (`content-type`, GitHub's `x-github-event`, Shopify's
 * `x-shopify-topic`). Mailgun sends no signature headers: for `'mailgun'` the result is the
 * `timestamp`, `token` and `signature` fields that go in the body (under `signature` in JSON).
 *
 * @example
 * const body = JSON.stringify({ id: 'evt_1', type: 'order.created', data: { object: {} } })
 * const headers = await sign({ payload: body, secret: process.env.WEBHOOK_SECRET })
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } })
 *
 * @example
 * // Test a Stripe receiver without Stripe:
 * const headers = await sign({ scheme: 'stripe', payload: body, secret: 'whsec_test' })
 */
export async function sign(input: SignInput): Promise<Record<string, string>> {
  if (typeof input !== 'object' || input === null) throw new TypeError('sign() takes an object')
  const scheme = resolveScheme(input.scheme)
  const [secret] = normalizeSecrets(input.secret)
  const { payload } = input
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new TypeError('payload must be a string or Uint8Array')
  }
  if (scheme.signsUrl && (typeof input.url !== 'string' || input.url === '')) {
    throw new TypeError(
      `url is required: the ${scheme.name} scheme signs the URL the webhook is sent to`,
    )
  }
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000)
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError('timestamp must be a whole number of unix seconds')
  }
  if (looksLikeMilliseconds(timestamp)) {
    // verify() would reject what this signs: say so here, where the mistake is made.
    throw new TypeError(
      `timestamp must be unix seconds, and ${timestamp} looks like milliseconds (Date.now()): pass Math.floor(Date.now() / 1000)`,
    )
  }
  if (input.id !== undefined && (typeof input.id !== 'string' || input.id === '')) {
    throw new TypeError('id must be a non-empty string')
  }
  const id =
    input.id ??
    (scheme.needsId ? (scheme.generateId ? scheme.generateId() : randomMessageId()) : undefined)
  const parts: SignedParts = {
    timestamp,
    timestampText: scheme.formatTimestamp?.(timestamp) ?? String(timestamp),
    signatures: [],
    ...(id === undefined ? {} : { id }),
    ...(input.url === undefined ? {} : { url: input.url }),
  }
  const [prepared] = preparedKeys(scheme, secret as string | Uint8Array) as [PreparedKey]
  const { signature, algorithm } = await signWith(prepared, scheme.content(parts, payload))
  return scheme.headers({ signature, algorithm, timestamp, id })
}
