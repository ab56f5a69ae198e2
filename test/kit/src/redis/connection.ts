import { randomBytes } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'
import { redisUrl } from './target.js'

/**
 * A key prefix no other test run shares, so runs can overlap and each cleans up only its keys.
 *
 * @example
 * const prefix = testPrefix('store') // 'hookguard-test:4242:store:9f3a…:'
 */
export function testPrefix(label: string): string {
  return `hookguard-test:${process.pid}:${label}:${randomBytes(4).toString('hex')}:`
}

/** Where the test Redis is, as ioredis and BullMQ options take it. */
export interface RedisAddress {
  host: string
  port: number
  db: number
  username?: string
  password?: string
}

/**
 * The test Redis's host, port, database and credentials, from its URL; callers add their own
 * client settings (BullMQ wants `maxRetriesPerRequest: null`).
 *
 * @example
 * const inbox = createInbox({ connection: { ...redisAddress(), maxRetriesPerRequest: null }, prefix })
 */
export function redisAddress(): RedisAddress {
  const url = new URL(redisUrl())
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  }
}

/**
 * A connection to the test Redis that fails fast instead of queueing forever if Redis goes away.
 * `options` override the URL's parts (`port` to go through a proxy, `keyPrefix`, …).
 *
 * @example
 * const redis = connect()
 * afterAll(() => redis.quit())
 */
export function connect(options: RedisOptions = {}): Redis {
  return new Redis({ ...redisAddress(), maxRetriesPerRequest: 1, ...options })
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
