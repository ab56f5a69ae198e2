/** Stable error codes. Messages may change between versions; codes do not. */
export type ErrorCode =
  | 'MISSING_HEADER'
  | 'INVALID_SIGNATURE'
  | 'INVALID_TIMESTAMP'
  | 'TIMESTAMP_EXPIRED'
  | 'INVALID_PAYLOAD'
  | 'PAYLOAD_TOO_LARGE'
  | 'BODY_TIMEOUT'
  | 'RAW_BODY_UNAVAILABLE'

/** The HTTP status an adapter answers for each code. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  MISSING_HEADER: 401,
  INVALID_SIGNATURE: 401,
  INVALID_TIMESTAMP: 401,
  TIMESTAMP_EXPIRED: 401,
  INVALID_PAYLOAD: 400,
  PAYLOAD_TOO_LARGE: 413,
  BODY_TIMEOUT: 408,
  RAW_BODY_UNAVAILABLE: 500,
}

// A registered symbol, so `instanceof` holds across the ESM, CJS, node and web
// builds of this package (the dual-package hazard would otherwise break it).
const BRAND = Symbol.for('hookguard.WebhookVerificationError')

/**
 * Why a webhook was rejected. `code` is stable, `status` is the HTTP status to answer.
 *
 * @example
 * try {
 *   await verify({ payload, headers, secret })
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) return new Response(error.code, { status: error.status })
 *   throw error
 * }
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError'
  readonly code: ErrorCode
  readonly status: number

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.status = ERROR_STATUS[code]
    Object.defineProperty(this, BRAND, { value: true })
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && BRAND in value
  }

  /** The JSON body adapters answer with: `{ error, code }`. */
  toJSON(): { error: string; code: ErrorCode } {
    return { error: this.message, code: this.code }
  }
}
