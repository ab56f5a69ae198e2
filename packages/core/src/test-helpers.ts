import { createHmac } from 'node:crypto'
import { expect } from 'vitest'
import { type ErrorCode, WebhookVerificationError } from './errors.js'

export const SECRET = 'whsec_test_secret_for_hookguard'
export const NOW = new Date('2026-11-28T12:00:00Z')
export const NOW_S = Math.floor(NOW.getTime() / 1000)

/** An HMAC computed without hookguard, so tests do not check the code against itself. */
export function independentV1(
  secret: string | Uint8Array,
  timestamp: number | string,
  body: string | Uint8Array,
) {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

export function signedHeaders(
  body: string | Uint8Array,
  options: { secret?: string; timestamp?: number } = {},
) {
  const timestamp = options.timestamp ?? NOW_S
  return {
    'x-webhook-timestamp': String(timestamp),
    'x-webhook-signature': `v1=${independentV1(options.secret ?? SECRET, timestamp, body)}`,
  }
}

/** Asserts a promise rejects with a WebhookVerificationError of `code` (and its table status). */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode, status?: number) {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it resolved`)
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WebhookVerificationError)
  expect((error as WebhookVerificationError).code).toBe(code)
  if (status !== undefined) expect((error as WebhookVerificationError).status).toBe(status)
  return error as WebhookVerificationError
}
