import type { TestProject } from 'vitest/node'
import { findRedisServer, type RedisServer, redisAnswers, startRedisServer } from './server.js'
import type { RedisTarget } from './target.js'
import { DEFAULT_REDIS_URL, redactUrl, urlDb } from './url.js'

const HOW =
  'install redis-server, or set REDIS_URL to a running Redis (default ' +
  `${DEFAULT_REDIS_URL}); HOOKGUARD_REQUIRE_REDIS=1 turns this skip into an error`

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** On the URL's own port when it is a local one (so REDIS_URL picks it), else on a free port. */
async function startLocal(wanted: string): Promise<RedisServer> {
  const url = new URL(wanted)
  if (LOOPBACK.has(url.hostname)) {
    try {
      return await startRedisServer({ port: Number(url.port || 6379) })
    } catch {
      // The port is taken by something that is not a Redis; any free one will do.
    }
  }
  return startRedisServer()
}

/**
 * Vitest global setup: finds the Redis the suites use. `REDIS_URL` (default
 * `redis://127.0.0.1:6379/9`) when it answers; otherwise a `redis-server` started for this run
 * (on that URL's port when it is local, else a free one) when one is installed; otherwise the Redis suites are skipped with one line that
 * says why, or, with `HOOKGUARD_REQUIRE_REDIS=1` (CI), the run fails.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const wanted = process.env.REDIS_URL ?? DEFAULT_REDIS_URL
  let server: RedisServer | undefined
  let found: RedisTarget
  if (await redisAnswers(wanted)) {
    found = { url: wanted }
  } else if (findRedisServer() !== undefined) {
    server = await startLocal(wanted)
    found = { url: server.url(urlDb(wanted)) }
    console.log(
      `Redis: nothing answers at ${redactUrl(wanted)}; started redis-server on 127.0.0.1:${server.port} for this run`,
    )
  } else {
    const why = `nothing answers at ${redactUrl(wanted)} and redis-server is not on PATH`
    if (process.env.HOOKGUARD_REQUIRE_REDIS === '1') {
      throw new Error(`Redis is required (HOOKGUARD_REQUIRE_REDIS=1) but ${why}`)
    }
    found = { skipReason: `Redis suites skipped: ${why}; ${HOW}` }
    console.log(found.skipReason)
  }
  // Child processes that tests spawn (examples, CLIs) find the same Redis through the env.
  if (found.url !== undefined) process.env.REDIS_URL = found.url
  project.provide('hookguardRedis', found)
  if (server !== undefined) {
    const started = server
    return () => started.stop()
  }
}
