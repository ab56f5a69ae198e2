import { Redis, type RedisOptions } from 'ioredis'
import { redisUrl } from './target.js'

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
