import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'

/**
 * A key prefix no other test run shares, so runs can overlap and each cleans up only its keys.
 *
 * @example
 * const prefix = testPrefix('store') // 'hookguard-test:4242:store:9f3a…:'
 */
export function testPrefix(label: string): string {
  return `hookguard-test:${process.pid}:${label}:${randomBytes(4).toString('hex')}:`
}

/**
 * Deletes every key under `prefix` with SCAN and UNLINK, never FLUSHDB: other runs share the
 * database. Resolves to the number deleted.
 *
 * @example
 * afterAll(() => deleteKeys(redis, prefix))
 */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) deleted += await redis.unlink(...(keys as string[]))
  }
  return deleted
}
