import type { Chunk } from '../crypto/types.js'
import type { HeaderGetter } from '../headers.js'

/** What a scheme reads out of the request headers. */
export interface SignedParts {
  /** Unix seconds; when present, `verify` enforces the tolerance. */
  timestamp?: number
  /** The timestamp exactly as sent, for the signed content. */
  timestampText?: string
  /** A message id, when the scheme signs one. */
  id?: string
  /**
   * Candidates for the scheme's shared-secret key, already decoded: HMAC digests (of the hash the
   * key names), or the token itself for token schemes. Any match passes.
   */
  signatures: readonly Uint8Array[]
  /** Candidate Ed25519 signatures (Standard Webhooks `v1a`, Discord), checked against public keys. */
  ed25519Signatures?: readonly Uint8Array[]
  /** Candidate ECDSA P-256 signatures as `r || s` (64 bytes; see `ecdsaDerToRaw`). */
  ecdsaSignatures?: readonly Uint8Array[]
  /** The request URL, for schemes that sign it (`signsUrl`); error messages name it. */
  url?: string | undefined
  /** The body's SHA-256 as the sender states it (Twilio's `bodySHA256`); checked with the signature. */
  bodySha256?: Uint8Array
  /**
   * The body as `readBody` parsed it, for a `content` that signs parsed fields (Twilio's sorted
   * form parameters), so the body is not parsed a second time. `read` passes it on.
   */
  parsed?: unknown
}

/** What a scheme may read besides the headers. */
export interface SignedRequest {
  /** The full URL as the sender called it; `undefined` when the caller gave none. */
  url: string | undefined
  /**
   * What the scheme's `readBody` returned, for senders that sign fields inside the body
   * (Mailgun); `undefined` without `readBody`, and when only the headers are read (`explain`
   * looking for another scheme's headers).
   */
  parsed?: unknown
}

/** What a scheme's handshakes may use besides the event. */
export interface ChallengeContext {
  header: HeaderGetter
  /** The first configured secret, as given (Zoom answers with an HMAC keyed by it). */
  secret: string | Uint8Array
}

/**
 * A request a sender makes that is not an event (a subscription check) and is answered as is:
 * a string body is sent as `text/plain`, anything else as JSON.
 */
export interface HandshakeAnswer {
  status: number
  body: unknown
}

/** How a signature was made: `sign` tells the scheme so it can pick the version label. */
export type SignatureAlgorithm = 'hmac-sha256' | 'hmac-sha1' | 'token' | 'ed25519'

/** What `sign` hands a scheme to turn into headers. */
export interface SignatureInput {
  signature: Uint8Array
  /** The key's algorithm: `'hmac-sha256'` unless the scheme's key says otherwise. */
  algorithm: SignatureAlgorithm
  timestamp: number
  id: string | undefined
}

/**
 * The key a scheme derives from one configured secret. A bare `Uint8Array` is an
 * HMAC-SHA256 key. The tagged forms: HMAC-SHA1; a `token` the sender sends as is (compared
 * in constant time with each candidate in `signatures`); public keys, which only verify
 * (`ed25519-public`, raw 32 bytes; `ecdsa-p256-public`, SPKI DER); and an Ed25519 signing key,
 * which only signs (`ed25519-private`).
 */
export type SchemeKey =
  | Uint8Array
  | { readonly type: 'hmac-sha256' | 'hmac-sha1' | 'token'; readonly key: Uint8Array }
  | { readonly type: 'ed25519-public' | 'ecdsa-p256-public'; readonly key: Uint8Array }
  | {
      readonly type: 'ed25519-private'
      /** The 32-byte seed. */
      readonly key: Uint8Array
      /** The public half, when the serialised key carried one (checked by `sign`). */
      readonly publicKey?: Uint8Array
    }

/**
 * A signing scheme: where the signature lives, what is signed, how the secret
 * becomes a key, how the body is parsed and where an event's id and type are found.
 * Pass one as `scheme` to `verify`, `sign` or any adapter.
 *
 * Most schemes are written with `defineScheme` from `@hookguard/core/scheme`, which fills in the
 * usual `key` and `content`.
 *
 * @example
 * import { type Scheme, hexEncode, rawSecretKey, signBodyOnly } from '@hookguard/core/scheme'
 *
 * const acme: Scheme = {
 *   name: 'acme',
 *   read: (header) => readAcmeHeaders(header),
 *   content: signBodyOnly,
 *   key: rawSecretKey,
 *   headers: ({ signature }) => ({ 'x-acme-signature': hexEncode(signature) }),
 * }
 */
export interface Scheme {
  readonly name: string
  /** Whether `sign` must produce a message id when none is given. */
  readonly needsId?: boolean
  /** A fresh message id for `sign` (when `needsId`); the default is `msg_` and 24 hex digits. */
  generateId?(): string
  /**
   * Read the signature headers. Throws `WebhookVerificationError` with
   * `MISSING_HEADER`, `INVALID_SIGNATURE` or `INVALID_TIMESTAMP`; never anything else.
   */
  read(header: HeaderGetter, request: SignedRequest): SignedParts
  /** The bytes that are signed, in order (the same for HMAC and Ed25519). */
  content(parts: SignedParts, body: Chunk): Chunk[]
  /**
   * The key for one configured secret, computed once per secret and cached; several when a
   * sender may sign with the same secret in more than one way (Twilio: HMAC-SHA1 or SHA-256).
   * `sign` uses the first.
   * Throws `TypeError` for a malformed secret (the message must not contain it).
   */
  key(secret: string | Uint8Array): SchemeKey | readonly SchemeKey[]
  /** The headers a sender attaches for a computed signature (lower-case names). */
  headers(input: SignatureInput): Record<string, string>
  /** Parse the verified body; the default is JSON. Throw anything for `INVALID_PAYLOAD`. */
  parse?(text: string, header: HeaderGetter): unknown
  /**
   * Parses the body before the signature is checked, for senders whose signature, or whose
   * signed content, is inside the body (Mailgun's `signature` fields, Twilio's sorted form
   * parameters). The result reaches `read` as `request.parsed` and, once a signature matches,
   * is the event as it is: the body is parsed once. Return `undefined` to parse after verifying
   * as usual (a Twilio JSON body, whose content the URL's `bodySHA256` covers). A throw is
   * `INVALID_SIGNATURE` (a `WebhookVerificationError` keeps its code): a body that cannot be
   * read carries no signature. Keep `parse` too: a durable inbox's workers parse stored bodies
   * with it.
   */
  readBody?(text: string, header: HeaderGetter): unknown
  /** The idempotency key; the default is the event's `id`. */
  eventId?(event: unknown, header: HeaderGetter, parts: SignedParts): string | undefined
  /**
   * What the default idempotency key is made of: `'id'` (the default), the event's id; or
   * `'body'`, for senders that sign the body but not the id (Shopify): the body's SHA-256 and the
   * type, so a captured body resent under a new id is still a duplicate. Handlers still get the
   * sender's id. An adapter's `idempotencyKey` option overrides either.
   */
  readonly idempotencyKeyFrom?: 'id' | 'body'
  /** The routing type; the default is the event's `type`. */
  eventType?(event: unknown, header: HeaderGetter): string | undefined
  /**
   * A handshake the sender expects answered instead of processed (Slack's `url_verification`
   * echoes its `challenge`): the response body (a string is sent as `text/plain`), or
   * `undefined` for an ordinary event. May return a promise.
   */
  challenge?(event: unknown, context: ChallengeContext): unknown
  /**
   * An unsigned request answered before any verification (Meta's `GET` with `hub.challenge`), or
   * `undefined` to verify the request as usual. Called by adapters through the receiver.
   */
  handshake?(request: {
    method: string
    url: string | undefined
    header: HeaderGetter
  }): HandshakeAnswer | undefined
  /** The timestamp as the sender writes it, for `sign` (default: whole seconds). */
  formatTimestamp?(unixSeconds: number): string
  /** Whether the scheme signs the request URL: `verify` then needs `url`. */
  readonly signsUrl?: boolean
  /** The sender's own replay window in seconds, when it differs from the default 300. */
  readonly toleranceSeconds?: number
  /** Unix seconds of a timestamp signed inside the body (Linear's `webhookTimestamp`), checked after parsing. */
  eventTimestamp?(event: unknown): number | undefined
}
