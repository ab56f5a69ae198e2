import { crypto } from '#crypto'
import type { Chunk } from './crypto/types.js'
import { WebhookVerificationError } from './errors.js'
import { type HeadersInput, headerGetter } from './headers.js'
import { anyKeyMatches, hmacFastPath } from './match.js'
import { parseEvent } from './parse.js'
import { type RawPayload, rawPayload } from './payload.js'
import { stringField } from './schemes/read.js'
import { readRequest } from './schemes/read-request.js'
import { resolveScheme, type SchemeName } from './schemes/registry.js'
import type { Scheme, SignedParts } from './schemes/types.js'
import { normalizeSecrets, type PreparedKey, preparedKeys, type SecretInput } from './secrets.js'
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
  /**
   * The full URL as the sender called it (`https://example.com/webhooks?x=1`), for the schemes
   * that sign it (`twilio`, `square`, `hubspot`); adapters pass it.
   */
  url?: string
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
  /** The prepared keys of every secret, in order. */
  keys: readonly PreparedKey[]
  /** The synchronous check when every key is an HMAC key on node:crypto (`hmacFastPath`). */
  matchSync: ((parts: SignedParts, content: readonly Chunk[]) => boolean) | undefined
}

/** Validates the options once; adapters call it when their factory is called. */
export function checkVerifyOptions(options: VerifyOptions): CheckedVerifyOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object with at least a secret')
  }
  const scheme = resolveScheme(options.scheme)
  const { toleranceSeconds = scheme.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS, now } = options
  if (typeof toleranceSeconds !== 'number' || !(toleranceSeconds >= 0)) {
    throw new TypeError('toleranceSeconds must be a number >= 0 (Infinity disables the check)')
  }
  if (now !== undefined && (!(now instanceof Date) || Number.isNaN(now.getTime()))) {
    throw new TypeError('now must be a valid Date')
  }
  const secrets = normalizeSecrets(options.secret)
  // Deriving each key now makes a malformed secret (say, bad base64 after `whsec_`) a
  // TypeError at the call; the keys are cached, so later calls reuse them.
  const keys = secrets.flatMap((secret) => preparedKeys(scheme, secret))
  if (keys.some((key) => key.kind === 'ed25519-private')) {
    throw new TypeError(
      'secret: an Ed25519 signing key (whsk_) cannot verify; configure the matching public key (whpk_)',
    )
  }
  return { secrets, scheme, toleranceSeconds, now, keys, matchSync: hmacFastPath(keys) }
}

/**
 * `verifyWebhook` with options checked beforehand: the receiver checks its options once, when it
 * is built, instead of on every request. The options and the request stay apart, so nothing
 * copies the options per request.
 */
export async function verifyChecked<T = unknown>(
  checked: CheckedVerifyOptions,
  payload: RawPayload,
  headers: HeadersInput,
  url?: string,
): Promise<VerifiedWebhook<T>> {
  const raw = rawPayload(payload)
  if (typeof headers !== 'object' || headers === null) {
    throw new TypeError('headers must be a Headers object or a plain object of header values')
  }
  const { scheme } = checked
  if (scheme.signsUrl && (typeof url !== 'string' || url === '')) {
    throw new TypeError(
      `url is required: the ${scheme.name} scheme signs the URL the sender called (the adapters pass it)`,
    )
  }
  const header = headerGetter(headers)
  const { parts, parsed } = readRequest(scheme, header, url, raw)
  const content = scheme.content(parts, raw)
  const matched =
    checked.matchSync?.(parts, content) ?? (await anyKeyMatches(checked.keys, parts, content))
  if (!matched) throw noMatch(parts)
  if (parts.bodySha256 !== undefined && !(await bodyHashMatches(parts.bodySha256, raw))) {
    throw new WebhookVerificationError(
      'INVALID_SIGNATURE',
      'The body does not match the SHA-256 the signed URL states (bodySHA256)',
    )
  }
  const now = checked.now ?? new Date()
  if (parts.timestamp !== undefined) assertFresh(parts.timestamp, now, checked.toleranceSeconds)
  // A scheme that read the body to find its signature has parsed it already.
  const event = (parsed === undefined ? parseEvent(scheme, raw, header) : parsed) as T
  const signedAt = scheme.eventTimestamp?.(event)
  if (signedAt !== undefined) assertFresh(signedAt, now, checked.toleranceSeconds)
  return {
    event,
    id: scheme.eventId ? scheme.eventId(event, header, parts) : stringField(event, 'id'),
    type: scheme.eventType ? scheme.eventType(event, header) : stringField(event, 'type'),
    scheme,
  }
}

function noMatch(parts: SignedParts): WebhookVerificationError {
  if (parts.url === undefined) {
    return new WebhookVerificationError('INVALID_SIGNATURE', 'No signature matched the payload')
  }
  return new WebhookVerificationError(
    'INVALID_SIGNATURE',
    `No signature matched the payload and the URL ${parts.url}: if the sender calls another URL ` +
      '(a proxy in front, another host or protocol), set publicUrl to the base URL the sender calls',
  )
}

async function bodyHashMatches(expected: Uint8Array, raw: string | Uint8Array): Promise<boolean> {
  return crypto.timingSafeEqual(await crypto.sha256([raw]), expected)
}

/**
 * Verifies a webhook and returns the event with its id and type.
 * Adapters and `process` use this; most callers want `verify`.
 *
 * @example
 * const { event, id, type } = await verifyWebhook({ payload, headers, secret })
 */
export async function verifyWebhook<T = unknown>(input: VerifyInput): Promise<VerifiedWebhook<T>> {
  return verifyChecked<T>(checkVerifyOptions(input), input.payload, input.headers, input.url)
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
  return (
    await verifyChecked<T>(checkVerifyOptions(input), input.payload, input.headers, input.url)
  ).event
}
