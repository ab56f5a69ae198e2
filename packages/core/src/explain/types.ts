import type { ErrorCode } from '../errors.js'
import type { HeadersInput } from '../headers.js'
import type { SchemeName } from '../schemes/registry.js'
import type { Scheme } from '../schemes/types.js'
import type { SecretInput } from '../secrets.js'

/**
 * Why a signature check failed, as a stable code. Messages may change between versions;
 * codes do not. `FINDING_CODES` lists them all with their fix.
 */
export type FindingCode =
  | 'BODY_RESERIALIZED'
  | 'BODY_PARSED'
  | 'BODY_NOT_RAW'
  | 'BODY_EMPTY'
  | 'BODY_NEWLINE_ADDED'
  | 'BODY_NEWLINE_STRIPPED'
  | 'BODY_LINE_ENDINGS'
  | 'BODY_BOM_ADDED'
  | 'BODY_BOM_STRIPPED'
  | 'BODY_CHARSET'
  | 'BODY_COMPRESSED'
  | 'BODY_LENGTH_MISMATCH'
  | 'BODY_NOT_JSON'
  | 'SECRET_WHITESPACE'
  | 'SECRET_QUOTED'
  | 'SECRET_PREFIX_MISSING'
  | 'SECRET_RAW_STRING'
  | 'SECRET_BASE64_DECODED'
  | 'SECRET_MALFORMED'
  | 'SECRET_MISMATCH'
  | 'TIMESTAMP_MILLISECONDS'
  | 'TIMESTAMP_TIMEZONE'
  | 'TIMESTAMP_STALE'
  | 'CLOCK_SKEW'
  | 'TIMESTAMP_FORMAT'
  | 'HEADER_MISSING'
  | 'SIGNATURE_MALFORMED'
  | 'SCHEME_MISMATCH'
  | 'URL_MISSING'
  | 'URL_PROTOCOL'
  | 'URL_HOST'
  | 'URL_PORT'
  | 'URL_TRAILING_SLASH'
  | 'URL_QUERY_ORDER'

/**
 * How sure a finding is. `confirmed`: undoing the mistake makes the signature match (or the
 * signature matches and this is what else fails). `likely`: strong evidence, not reproduced.
 * `possible`: what remains when nothing else explains the failure.
 */
export type Confidence = 'confirmed' | 'likely' | 'possible'

/** One cause of a failed verification, with the fix. Never contains a secret or a signature. */
export interface Finding {
  code: FindingCode
  confidence: Confidence
  /** One line: what happened. */
  message: string
  /** One line: what to change. */
  fix: string
}

/** What `explain` concludes about one request. */
export interface Explanation {
  /** `'valid'`: `verify` accepts the request as given. */
  verdict: 'valid' | 'invalid'
  /** The configured scheme's name. */
  scheme: string
  /** The error `verify` throws for the request as given; absent when valid. */
  error?: { code: ErrorCode; message: string }
  /** Causes, most likely first; empty when valid. */
  findings: Finding[]
}

/** What `explain` takes: what `verify` takes, the body in any form it arrived in, and the URL. */
export interface ExplainInput {
  /**
   * The body as your code had it: ideally the raw bytes; a parsed object is accepted so that
   * `explain` can say that is the problem.
   */
  payload: unknown
  headers: HeadersInput
  secret: SecretInput
  /** A built-in scheme's name or a custom `Scheme`; default `'hookguard'`. */
  scheme?: SchemeName | Scheme
  /** The full URL you checked, for schemes that sign the URL. */
  url?: string
  /** Allowed clock difference in seconds; default 300, as for `verify`. */
  toleranceSeconds?: number
  now?: Date
}
