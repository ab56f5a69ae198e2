import { expect } from 'vitest'

// The brand hookguard's error class registers, so the check holds for its source, ESM, CJS, node
// and web builds alike without importing any of them into the kit.
const BRAND = Symbol.for('hookguard.WebhookVerificationError')

/** What `expectCode` returns: the rejection, read as a hookguard verification error. */
export interface VerificationErrorLike extends Error {
  code: string
  status: number
}

/**
 * Asserts that `promise` rejects with a hookguard `WebhookVerificationError` of `code` (and
 * `status`, when given) and returns the error for further checks.
 *
 * @example
 * const error = await expectCode(verify({ payload, headers: {}, secret }), 'MISSING_HEADER', 401)
 * expect(error.message).toContain('X-Webhook-Signature')
 */
export async function expectCode(
  promise: Promise<unknown>,
  code: string,
  status?: number,
): Promise<VerificationErrorLike> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it resolved`)
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  expect(BRAND in (error as object), `not a WebhookVerificationError: ${String(error)}`).toBe(true)
  expect((error as VerificationErrorLike).code).toBe(code)
  if (status !== undefined) expect((error as VerificationErrorLike).status).toBe(status)
  return error as VerificationErrorLike
}
