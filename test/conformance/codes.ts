import { type ErrorCode, WebhookVerificationError } from '@hookguard/core'

/** What a verification came to: `'resolved'`, its error code, or the text of anything else. */
export async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | string> {
  try {
    await promise
    return 'resolved'
  } catch (error) {
    return error instanceof WebhookVerificationError ? error.code : String(error)
  }
}
