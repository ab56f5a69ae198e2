import { crypto } from '#crypto'
import type { MaybePromise } from './crypto/types.js'
import { WebhookVerificationError } from './errors.js'
import { type HeaderGetter, type HeadersInput, headerGetter } from './headers.js'
import { parseEvent } from './parse.js'
import { type RawPayload, rawPayload } from './payload.js'
import { readSignedParts } from './schemes/present.js'
import { stringField } from './schemes/read.js'
import { resolveScheme, type SchemeName } from './schemes/registry.js'
import type { Scheme, SignedParts } from './schemes/types.js'
import { normalizeSecrets, type PreparedKey, preparedKey, type SecretInput } from './secrets.js'
import { assertFresh } from './timestamp.js'

/** Options shared by `verify` and every adapter. */
export interface VerifyOptions {
  /** The signing secret; several while rotating (a signature by any of them passes). */
  secret: SecretInput
  /** A built-in scheme's name or a custom `Scheme`; default `'hookguard'`. */
  scheme?: SchemeName | Scheme
  /** Allowed clock difference in seconds, past and future; default 300. `Infinity` disables it. */
  toleranceSeconds?: number
  /** The clock to check timestamps against; default the current time. */
  now?: Date
}

/** What `verify` takes: the raw body and headers, plus the options. */
export interface VerifyInput extends VerifyOptions {
  /** The raw body exactly as received (an `ArrayBuffer` too): never re-serialised JSON. */
  payload: RawPayload
  headers: HeadersInput
}

/** A verified webhook with what routing and idempotency need. */
export interface VerifiedWebhook<T = unknown> {
  event: T
  /** The idempotency key (the event's `id` for the default scheme). */
  id: string | undefined
  /** The routing type (the event's `type` for the default scheme). */
  type: string | undefined
  scheme: Scheme
}

export const DEFAULT_TOLERANCE_SECONDS = 300

/** The verify options once checked: what every verification with them works from. */
export interface CheckedVerifyOptions {
  secrets: ReadonlyArray<string | Uint8Array>
  scheme: Scheme
  toleranceSeconds: number
  now: Date | undefined
}

/** Validates the options once; adapters call it when their factory is called. */
export function checkVerifyOptions(options: VerifyOptions): CheckedVerifyOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object with at least a secret')
  }
  const { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now } = options
  if (typeof toleranceSeconds !== 'number' || !(toleranceSeconds >= 0)) {
    throw new TypeError('toleranceSeconds must be a number >= 0 (Infinity disables the check)')
  }
  if (now !== undefined && (!(now instanceof Date) || Number.isNaN(now.getTime()))) {
    throw new TypeError('now must be a valid Date')
  }
  const scheme = resolveScheme(options.scheme)
  const secrets = normalizeSecrets(options.secret)
  // Deriving each key now makes a malformed secret (say, bad base64 after `whsec_`) a
  // TypeError at the call, and warms the cache for the signature check.
  for (const secret of secrets) {
    if (preparedKey(scheme, secret).type === 'ed25519-private') {
      throw new TypeError(
        'secret: an Ed25519 signing key (whsk_) cannot verify; configure the matching public key (whpk_)',
      )
    }
  }
  return { secrets, scheme, toleranceSeconds, now }
}

async function ed25519Matches(
  publicKey: Uint8Array,
  candidates: readonly Uint8Array[],
  content: ReturnType<Scheme['content']>,
): Promise<boolean> {
  for (const candidate of candidates) {
    try {
      if (await crypto.ed25519Verify(publicKey, candidate, content)) return true
    } catch {
      // A signature or key the back end refuses to parse is simply not a match.
    }
  }
  return false
}

function anyDigestMatches(digest: Uint8Array, candidates: readonly Uint8Array[]): boolean {
  for (const candidate of candidates) {
    if (crypto.timingSafeEqual(digest, candidate)) return true
  }
  return false
}

function hmacMatches(
  key: unknown,
  candidates: readonly Uint8Array[],
  content: ReturnType<Scheme['content']>,
): MaybePromise<boolean> {
  const digest = crypto.hmacSha256(key, content)
  return digest instanceof Promise
    ? digest.then((d) => anyDigestMatches(d, candidates))
    : anyDigestMatches(digest, candidates)
}

/** Whether one prepared key signed any candidate; a promise only where the crypto is async. */
function keyMatches(
  prepared: PreparedKey,
  parts: SignedParts,
  content: ReturnType<Scheme['content']>,
): MaybePromise<boolean> {
  if (prepared.type === 'hmac-sha256') {
    const { key } = prepared
    if (parts.signatures.length === 0) return false
    return key instanceof Promise
      ? key.then((k) => hmacMatches(k, parts.signatures, content))
      : hmacMatches(key, parts.signatures, content)
  }
  const ed25519Candidates = parts.ed25519Signatures ?? []
  if (prepared.type === 'ed25519-public' && ed25519Candidates.length > 0) {
    return ed25519Matches(prepared.key, ed25519Candidates, content)
  }
  return false
}

/**
 * Whether any secret, from `start` on, signed the payload. Synchronous while everything it meets
 * is (node:crypto HMAC): an `await` per call costs more than the rest of the checks together for
 * a small body. The first secret whose check is a promise hands the rest on once it settles.
 */
function anySignatureMatches(
  scheme: Scheme,
  secrets: ReadonlyArray<string | Uint8Array>,
  parts: SignedParts,
  content: ReturnType<Scheme['content']>,
  start = 0,
): MaybePromise<boolean> {
  for (let index = start; index < secrets.length; index++) {
    const matched = keyMatches(
      preparedKey(scheme, secrets[index] as string | Uint8Array),
      parts,
      content,
    )
    if (matched instanceof Promise) {
      return matched.then(
        (m) => m || anySignatureMatches(scheme, secrets, parts, content, index + 1),
      )
    }
    if (matched) return true
  }
  return false
}

function verified<T>(
  matched: boolean,
  checked: CheckedVerifyOptions,
  payload: string | Uint8Array,
  header: HeaderGetter,
  parts: SignedParts,
  describe: boolean,
): VerifiedWebhook<T> {
  const { scheme } = checked
  if (!matched) {
    throw new WebhookVerificationError('INVALID_SIGNATURE', 'No signature matched the payload')
  }
  if (parts.timestamp !== undefined) {
    assertFresh(parts.timestamp, checked.now ?? new Date(), checked.toleranceSeconds)
  }
  const event = parseEvent(scheme, payload, header) as T
  // `verify` returns the event alone: the id and type would be computed for nothing.
  if (!describe) return { event, id: undefined, type: undefined, scheme }
  return {
    event,
    id: scheme.eventId ? scheme.eventId(event, header, parts) : stringField(event, 'id'),
    type: scheme.eventType ? scheme.eventType(event, header) : stringField(event, 'type'),
    scheme,
  }
}

/**
 * One verification from checked options, without a promise when nothing on the way was
 * asynchronous (node:crypto HMAC); throws instead of rejecting. The options and the request stay
 * apart, so nothing copies the options per request (`{ ...options, payload, headers }` costs
 * ~1 us on Node 20: V8 leaves its fast path when a spread is followed by new properties).
 */
function verifyNow<T>(
  checked: CheckedVerifyOptions,
  payload: unknown,
  headers: unknown,
  describe: boolean,
): MaybePromise<VerifiedWebhook<T>> {
  const raw = rawPayload(payload)
  if (typeof headers !== 'object' || headers === null) {
    throw new TypeError('headers must be a Headers object or a plain object of header values')
  }
  const { scheme, secrets } = checked
  const header = headerGetter(headers as HeadersInput)
  const parts = readSignedParts(scheme, header)
  const hasCandidates = parts.signatures.length > 0 || (parts.ed25519Signatures?.length ?? 0) > 0
  const matched =
    hasCandidates && anySignatureMatches(scheme, secrets, parts, scheme.content(parts, raw))
  if (matched instanceof Promise) {
    return matched.then((m) => verified<T>(m, checked, raw, header, parts, describe))
  }
  return verified<T>(matched, checked, raw, header, parts, describe)
}

/**
 * `verifyWebhook` with options checked beforehand: the receiver checks its options once, when it
 * is built, instead of on every request.
 */
export async function verifyChecked<T = unknown>(
  checked: CheckedVerifyOptions,
  payload: string | Uint8Array,
  headers: HeadersInput,
): Promise<VerifiedWebhook<T>> {
  const result = verifyNow<T>(checked, payload, headers, true)
  return result instanceof Promise ? await result : result
}

/**
 * Verifies a webhook and returns the event with its id and type.
 * Adapters and `process` use this; most callers want `verify`.
 *
 * @example
 * const { event, id, type } = await verifyWebhook({ payload, headers, secret })
 */
export async function verifyWebhook<T = unknown>(input: VerifyInput): Promise<VerifiedWebhook<T>> {
  const result = verifyNow<T>(checkVerifyOptions(input), input.payload, input.headers, true)
  return result instanceof Promise ? await result : result
}

/**
 * Verifies a webhook's signature and timestamp over its raw body and resolves to the parsed event.
 * Every rejection is a `WebhookVerificationError` with a stable `code`; misuse is a `TypeError`.
 *
 * @example
 * const event = await verify<OrderEvent>({
 *   payload: await request.text(),
 *   headers: request.headers,
 *   secret: process.env.WEBHOOK_SECRET,
 * })
 */
export async function verify<T = unknown>(input: VerifyInput): Promise<T> {
  const result = verifyNow<T>(checkVerifyOptions(input), input.payload, input.headers, false)
  return (result instanceof Promise ? await result : result).event
}
