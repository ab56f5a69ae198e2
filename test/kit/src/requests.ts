import { BODY } from './fixtures.js'
import type { KitSigner } from './signers/hmac.js'
import { signHookguard } from './signers/hookguard.js'

/** Options of `signedInit`. */
export interface SignedInitOptions {
  secret?: string | Uint8Array
  timestamp?: number | string
  /** Headers added last (they win over the signature and content type). */
  headers?: Record<string, string>
  /** Default: `signHookguard`. */
  sign?: KitSigner
}

/**
 * A `fetch`/`app.request` init: a JSON POST of `body` signed by a kit signer (hookguard's scheme
 * at `NOW` unless told otherwise).
 *
 * @example
 * const response = await app.request('/webhooks', signedInit())
 * await fetch(url, signedInit(body, { sign: signStripe }))
 */
export function signedInit(
  body: string | Uint8Array = BODY,
  options: SignedInitOptions = {},
): RequestInit {
  const sign = options.sign ?? signHookguard
  const signOptions = {
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  }
  return {
    method: 'POST',
    body: body as BodyInit,
    headers: { 'content-type': 'application/json', ...sign(body, signOptions), ...options.headers },
  }
}

/**
 * The headers of a signed JSON delivery: a kit signer's headers (hookguard's scheme at `NOW`
 * unless told otherwise) plus `content-type: application/json`.
 *
 * @example
 * await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
 */
export function signedJson(
  body: string | Uint8Array,
  options: Omit<SignedInitOptions, 'headers'> = {},
): Record<string, string> {
  return (signedInit(body, options).headers ?? {}) as Record<string, string>
}
