import { randomBytes } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'

/** The Redis the tests use; CI and the dev container run Redis 7 here. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0'

/** A key prefix no other test run shares, so runs can overlap and clean up only their keys. */
export function testPrefix(label: string): string {
  return `hookguard-test:${process.pid}:${label}:${randomBytes(4).toString('hex')}:`
}

/** A connection that fails fast instead of queueing forever if the test Redis goes away. */
export function connect(options: RedisOptions = {}): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, ...options })
}

/** Deletes every key under `prefix` (SCAN, never FLUSHDB: other runs share the database). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) deleted += await redis.unlink(...(keys as string[]))
  }
  return deleted
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))
