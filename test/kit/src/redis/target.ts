import { describe, inject } from 'vitest'
import { DEFAULT_REDIS_URL } from './url.js'

/** What the global setup found: a Redis URL to use, or why the Redis suites are skipped. */
export type RedisTarget =
  | { url: string; skipReason?: undefined }
  | { url?: undefined; skipReason: string }

declare module 'vitest' {
  interface ProvidedContext {
    hookguardRedis: RedisTarget
  }
}

function target(): RedisTarget {
  // Without the kit's global setup (a config that does not load it), use the URL as given.
  return inject('hookguardRedis') ?? { url: process.env.REDIS_URL ?? DEFAULT_REDIS_URL }
}

/** Why this run has no Redis, or undefined when it has one. */
export function redisSkipReason(): string | undefined {
  return target().skipReason
}

/**
 * The Redis URL tests use: `REDIS_URL`, else `redis://127.0.0.1:6379/9`, else the
 * `redis-server` the global setup started. Throws when the run has no Redis (call it inside a
 * `describeRedis` suite).
 *
 * @example
 * const redis = new Redis(redisUrl())
 */
export function redisUrl(): string {
  const found = target()
  if (found.url === undefined) throw new Error(found.skipReason)
  return found.url
}

/**
 * `describe`, skipped when the run has no Redis (the global setup printed why, once).
 *
 * @example
 * describeRedis('RedisIdempotencyStore', () => { … })
 */
export const describeRedis: ReturnType<typeof describe.skipIf> = describe.skipIf(
  redisSkipReason() !== undefined,
)
