/** How `ack: 'before'` retries a failing handler in-process. */
export interface RetryOptions {
  /** Total runs, the first included; default 5. */
  attempts?: number
  /** Delay before the first retry; default 1 s. */
  initialDelayMs?: number
  /** Growth per retry; default 2. */
  factor?: number
  /** Ceiling for one delay; default 1 h. */
  maxDelayMs?: number
  /** Extra random delay, as a fraction of the delay (0–1); default 0.25. */
  jitter?: number
}

export type RetryPolicy = Required<RetryOptions>

const DEFAULTS: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 60 * 60 * 1000,
  jitter: 0.25,
}

/** Fills in and validates retry options (TypeError for misuse). */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULTS, ...options }
  const { attempts, initialDelayMs, factor, maxDelayMs, jitter } = policy
  if (!Number.isSafeInteger(attempts) || attempts < 1)
    throw new TypeError('retry.attempts must be a whole number >= 1')
  for (const [name, value] of Object.entries({ initialDelayMs, maxDelayMs, factor })) {
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw new TypeError(`retry.${name} must be a finite number >= 0`)
    }
  }
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))
    throw new TypeError('retry.jitter must be between 0 and 1')
  return policy
}

/** The wait before retry number `retry` (1-based): exponential plus 0–jitter of itself, capped. */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const base = policy.initialDelayMs * policy.factor ** (retry - 1)
  return Math.round(Math.min(policy.maxDelayMs, base * (1 + policy.jitter * random())))
}
