/**
 * What a user gets from npm, before a release exists: every package under packages/ is packed
 * with `pnpm pack` (which rewrites `workspace:*` to real versions), the tarballs are installed
 * with npm into a scratch app, and test/tarball/smoke.js runs there twice, as an ES module and
 * as CommonJS: it loads every package through its published entry and sends a signed and a
 * tampered request over a real socket through each adapter.
 *
 * Needs the packages built (`pnpm build`; CI builds before testing) and the npm registry for the
 * frameworks.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { redisSkipReason, redisUrl } from '@hookguard/test-kit/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'))
    return { dir, name: manifest.name as string, version: manifest.version as string }
  })
const ADAPTERS = [
  '@hookguard/express',
  '@hookguard/fastify',
  '@hookguard/hono',
  '@hookguard/web',
  '@hookguard/node',
]
// The frameworks a user installs beside the adapters (npm adds the remaining peers itself).
const FRAMEWORKS = { express: '^5', fastify: '^5', hono: '^4', '@hono/node-server': '^1' }

interface Report {
  loaded: Record<string, string[]>
  adapters: Record<string, { valid: string; tampered: string; handlerRuns: number }>
  durable?: {
    ioredis: string
    bullmq: string
    store: string[]
    storeRuns: number
    inbox: string[]
    workerRuns: number
  }
}

const work = mkdtempSync(join(tmpdir(), 'hookguard-tarballs-'))
const reports: Record<'esm' | 'cjs', Report | undefined> = { esm: undefined, cjs: undefined }

beforeAll(async () => {
  for (const { dir } of packages) {
    if (!existsSync(join(root, 'packages', dir, 'dist'))) {
      throw new Error(`packages/${dir} is not built: run \`npx --yes pnpm@10 build\` first`)
    }
  }
  const tarballs = join(work, 'tarballs')
  await run(
    'npx',
    ['--yes', 'pnpm@10', '-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs],
    { cwd: root },
  )
  const app = join(work, 'app')
  await mkdir(app)
  const dependencies: Record<string, string> = { ...FRAMEWORKS }
  for (const { name, version } of packages) {
    const file = `${name.replace('@', '').replace('/', '-')}-${version}.tgz`
    dependencies[name] = `file:${join(tarballs, file)}`
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ private: true, dependencies }))
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app })

  const smoke = readFileSync(join(root, 'test', 'tarball', 'smoke.js'), 'utf8')
  const installed = JSON.stringify(packages.map(({ name }) => name))
  const apps = {
    esm: { type: 'module', main: `main((name) => import(name), ${installed})` },
    cjs: { type: 'commonjs', main: `main(async (name) => require(name), ${installed})` },
  }
  await Promise.all(
    Object.entries(apps).map(async ([kind, { type, main }]) => {
      const dir = join(app, kind)
      await mkdir(dir)
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type }))
      writeFileSync(
        join(dir, 'smoke.js'),
        `${smoke}\n${main}.catch((error) => {\n  console.error(error)\n  process.exit(1)\n})\n`,
      )
      // With a Redis, the apps also run the Redis store and the BullMQ inbox on it.
      const { REDIS_URL: _inherited, ...env } = process.env
      if (redisSkipReason() === undefined) env.REDIS_URL = redisUrl()
      const { stdout } = await run(process.execPath, ['smoke.js'], { cwd: dir, env })
      reports[kind as 'esm' | 'cjs'] = JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
    }),
  )
}, 300_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe.each(['esm', 'cjs'] as const)('installed from tarballs with npm, %s app', (kind) => {
  const report = () => {
    const value = reports[kind]
    if (!value) throw new Error(`the ${kind} app produced no report`)
    return value
  }

  it.each(packages.map(({ name }) => name))('%s loads through its published entry', (name) => {
    expect(report().loaded[name]?.length ?? 0).toBeGreaterThan(0)
  })

  const adapters = ADAPTERS.filter((name) => packages.some((p) => p.name === name))
  it.each(adapters)('%s answers a signed request 200 and a tampered one 401', (name) => {
    expect(report().adapters[name]).toEqual({
      valid: '200 {"received":true}',
      tampered: '401 INVALID_SIGNATURE',
      handlerRuns: 1,
    })
  })

  it.skipIf(redisSkipReason() !== undefined)(
    'runs the Redis store and the BullMQ inbox on the ioredis npm installed (6), once per event',
    () => {
      expect(report().durable).toEqual({
        ioredis: expect.stringMatching(/^6\./),
        bullmq: expect.stringMatching(/^\d+\./),
        store: ['200 {"received":true}', '200 {"received":true,"duplicate":true}'],
        storeRuns: 1,
        inbox: ['200 {"received":true}', '200 {"received":true,"duplicate":true}'],
        workerRuns: 1,
      })
    },
  )
})
