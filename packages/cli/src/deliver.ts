/** What one delivery ended with, after any retries. */
export interface DeliveryResult {
  id: string
  duplicate: boolean
  /** The final HTTP status, or undefined when the last attempt got no answer. */
  status: number | undefined
  /** Why the last attempt got no answer (ECONNREFUSED, timeout). */
  error?: string
  attempts: number
  /** Milliseconds of the final attempt. */
  latencyMs: number
}

export interface RetryPolicy {
  retries: number
  baseDelayMs: number
  timeoutMs: number
}

const MAX_DELAY_MS = 30_000

/** Retried like real senders do: 5xx, 409 (still processing) and no answer at all. */
export const retryable = (status: number | undefined): boolean =>
  status === undefined || status === 409 || status >= 500

/** Exponential backoff with full jitter, or the receiver's Retry-After when it gives one. */
export function retryDelay(attempt: number, baseMs: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_DELAY_MS)
  const ceiling = Math.min(baseMs * 2 ** (attempt - 1), MAX_DELAY_MS)
  return ceiling / 2 + Math.random() * (ceiling / 2)
}

function errorName(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause
  if (cause?.code) return cause.code
  if ((error as Error).name === 'TimeoutError') return 'TIMEOUT'
  return (error as Error).message
}

/**
 * POSTs one signed event, retrying as the policy says. `resign` gives fresh headers for each
 * attempt, as senders re-sign (a new timestamp) when they retry.
 */
export async function deliver(
  url: string,
  body: string,
  resign: () => Promise<Record<string, string>>,
  policy: RetryPolicy,
  meta: { id: string; duplicate: boolean },
): Promise<DeliveryResult> {
  let attempts = 0
  for (;;) {
    attempts++
    const started = performance.now()
    let status: number | undefined
    let error: string | undefined
    let retryAfter: string | null = null
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: await resign(),
        body,
        signal: AbortSignal.timeout(policy.timeoutMs),
      })
      status = response.status
      retryAfter = response.headers.get('retry-after')
      await response.arrayBuffer()
    } catch (caught) {
      error = errorName(caught)
    }
    const latencyMs = performance.now() - started
    if (!retryable(status) || attempts > policy.retries) {
      return { ...meta, status, attempts, latencyMs, ...(error === undefined ? {} : { error }) }
    }
    await new Promise((resolve) =>
      setTimeout(resolve, retryDelay(attempts, policy.baseDelayMs, retryAfter)),
    )
  }
}
