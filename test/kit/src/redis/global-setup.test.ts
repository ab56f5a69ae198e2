import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findRedisServer, freePort } from './server.js'

// The global setup decides for the whole run, so it is tested the way a user meets it: a
// separate vitest run of a real Redis suite, with the environment a fresh machine would have.
const root = fileURLToPath(new URL('../../../../', import.meta.url))
const vitest = fileURLToPath(new URL('node_modules/vitest/vitest.mjs', `file://${root}`))
const SUITE = 'packages/redis/src/redis-store.test.ts'

interface Run {
  code: number
  output: string
}

function runSuite(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [vitest, 'run', SUITE, '--project', 'node', '--reporter', 'dot'],
      // Only what is given: no inherited REDIS_URL, and PATH decides whether redis-server exists.
      { cwd: root, env: { HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    )
  })
}

const lines = (output: string, pattern: RegExp) =>
  output.split('\n').filter((line) => pattern.test(line))

describe('the Redis global setup', () => {
  it('without Redis or redis-server, skips the Redis suites with one line saying why and how', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}/4`
    const run = await runSuite({ PATH: '/nonexistent', REDIS_URL: dead })
    expect(run.code, run.output).toBe(0)
    expect(lines(run.output, /Redis suites skipped/)).toEqual([
      `Redis suites skipped: nothing answers at ${dead} and redis-server is not on PATH; ` +
        'install redis-server, or set REDIS_URL to a running Redis (default ' +
        'redis://127.0.0.1:6379/9); HOOKGUARD_REQUIRE_REDIS=1 turns this skip into an error',
    ])
    // Every test of the suite skipped (however many it has), none run.
    expect(run.output).toMatch(/Tests\s+\d+ skipped/)
    expect(run.output).not.toMatch(/ECONNREFUSED|passed|failed/i)
  }, 120_000)

  it('with HOOKGUARD_REQUIRE_REDIS=1 (as .ci/run sets it), the same run fails and says why', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}/4`
    const run = await runSuite({
      PATH: '/nonexistent',
      REDIS_URL: dead,
      HOOKGUARD_REQUIRE_REDIS: '1',
    })
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(
      `Redis is required (HOOKGUARD_REQUIRE_REDIS=1) but nothing answers at ${dead} and redis-server is not on PATH`,
    )
  }, 120_000)

  const redisServer = findRedisServer()
  it.skipIf(redisServer === undefined)(
    'with redis-server installed and nothing answering, starts one for the run and stops it after',
    async () => {
      const port = await freePort()
      const dir = (redisServer ?? '').replace(/\/redis-server$/, '')
      const run = await runSuite({ PATH: dir, REDIS_URL: `redis://127.0.0.1:${port}/4` })
      expect(run.code, run.output).toBe(0)
      expect(lines(run.output, /^Redis:/)).toEqual([
        `Redis: nothing answers at redis://127.0.0.1:${port}/4; started redis-server on 127.0.0.1:${port} for this run`,
      ])
      expect(run.output).toMatch(/Tests\s+\d+ passed \(\d+\)/)
      expect(run.output).not.toMatch(/\d+ (failed|skipped)/)
      // The teardown stopped it: the port is free again.
      const { createServer } = await import('node:net')
      const probe = createServer()
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject)
        probe.listen(port, '127.0.0.1', resolve)
      })
      await new Promise((resolve) => probe.close(resolve))
    },
    120_000,
  )
})
