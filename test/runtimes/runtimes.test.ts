import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendEndless } from '../support/oversized.js'
import { run, type Started, startProcess } from './processes.js'
import { type RuntimeResponse, SECRET, type Send, signedRequestScenario } from './scenario.js'

// The real runtimes, from the root devDependencies; the built packages, resolved through their
// package.json `exports` exactly as each runtime (or its bundler) would.
const root = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(import.meta.url)
const versionOf = (pkg: string, from = root) =>
  (
    JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`, { paths: [from] }), 'utf8')) as {
      version: string
    }
  ).version
const BUN = versionOf('bun')
const DENO = versionOf('deno')
const WORKERD = versionOf('workerd', dirname(require.resolve('miniflare')))
const bunBinary = join(dirname(require.resolve('bun/package.json')), 'bin/bun.exe')
const denoBinary = join(dirname(require.resolve('deno/package.json')), 'deno')

const READY_MS = 15_000
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookguard-runtimes-'))
  await run(process.execPath, ['--import', 'tsx', 'test/runtimes/build-fixture.ts', dir], {
    cwd: root,
    timeoutMs: 60_000,
  })
}, 60_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

interface ServerInfo {
  port: number
  core: string | undefined
}

function overHttp(started: () => Started<ServerInfo>): Send {
  return (path, init) => fetch(`http://127.0.0.1:${started().info.port}${path}`, init)
}

/**
 * A body that never ends, from a sender that keeps writing whatever the answer: past the drain
 * bound the sender reads the 413 (no reset first), and the runtime then closes the connection
 * (Deno when the cut stream is cancelled, a second after the 413; Bun at its idleTimeout, 3 s in
 * the fixture), within the sender's bound.
 */
function cutUploadScenario(started: () => Started<ServerInfo>) {
  for (const path of ['/webhooks', '/web/webhooks']) {
    it(`answers 413 to a body that never ends on ${path}, and closes its connection`, async () => {
      const url = `http://127.0.0.1:${started().info.port}${path}`
      const read = await sendEndless('keeps-writing', url)
      expect(read.status, read.error).toBe(413)
      expect(JSON.parse(read.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    })
  }
}

function denoEnv() {
  return { DENO_DIR: join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' }
}

describe(`Bun ${BUN} (Bun.serve, Bun's own resolution of the built packages)`, () => {
  let server: Started<ServerInfo>
  beforeAll(async () => {
    server = await startProcess<ServerInfo>(bunBinary, ['bun.js'], {
      cwd: dir,
      env: { WEBHOOK_SECRET: SECRET, BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' },
      timeoutMs: READY_MS,
    })
  }, READY_MS + 5_000)
  afterAll(() => server?.stop())

  it("selects core's node:crypto build, as Bun honours the `node` condition", () => {
    expect(server.info.core).toMatch(/node_modules\/@hookguard\/core\/dist\/node\/index\.js$/)
  })
  signedRequestScenario(
    () => overHttp(() => server),
    () => `bun ${BUN}`,
  )
  signedRequestScenario(
    () => overHttp(() => server),
    () => `bun ${BUN}`,
    '/web',
  )
  cutUploadScenario(() => server)
})

describe(`Deno ${DENO} (Deno.serve, Deno's npm resolution from node_modules)`, () => {
  let server: Started<ServerInfo>
  beforeAll(async () => {
    server = await startProcess<ServerInfo>(
      denoBinary,
      ['run', '-A', '--node-modules-dir=manual', 'deno.js'],
      { cwd: dir, env: { WEBHOOK_SECRET: SECRET, ...denoEnv() }, timeoutMs: READY_MS },
    )
  }, READY_MS + 5_000)
  afterAll(() => server?.stop())

  it("selects core's node:crypto build, as Deno honours the `node` condition", () => {
    expect(server.info.core).toMatch(/node_modules\/@hookguard\/core\/dist\/node\/index\.js$/)
  })
  signedRequestScenario(
    () => overHttp(() => server),
    () => `deno ${DENO}`,
  )
  signedRequestScenario(
    () => overHttp(() => server),
    () => `deno ${DENO}`,
    '/web',
  )
  cutUploadScenario(() => server)
})

describe(`Deno ${DENO} (deno run -A on an ESM bundle made without Node compatibility)`, () => {
  let server: Started<ServerInfo>
  beforeAll(async () => {
    server = await startProcess<ServerInfo>(denoBinary, ['run', '-A', 'deno.bundle.js'], {
      cwd: dir,
      env: { WEBHOOK_SECRET: SECRET, ...denoEnv() },
      timeoutMs: READY_MS,
    })
  }, READY_MS + 5_000)
  afterAll(() => server?.stop())

  it("bundles core's Web Crypto build", async () => {
    const inputs = JSON.parse(await readFile(join(dir, 'inputs.json'), 'utf8')) as {
      deno: string[]
    }
    expect(inputs.deno).toContain('node_modules/@hookguard/core/dist/web/index.js')
    expect(inputs.deno).not.toContain('node_modules/@hookguard/core/dist/node/index.js')
    expect(await readFile(join(dir, 'deno.bundle.js'), 'utf8')).not.toContain('node:crypto')
  })
  signedRequestScenario(
    () => overHttp(() => server),
    () => `deno ${DENO}`,
  )
  signedRequestScenario(
    () => overHttp(() => server),
    () => `deno ${DENO}`,
    '/web',
  )
})

describe(`Cloudflare workerd ${WORKERD} (Miniflare, module worker bundled as wrangler does)`, () => {
  let mf: Miniflare
  beforeAll(async () => {
    mf = new Miniflare({
      modules: true,
      script: await readFile(join(dir, 'worker.bundle.js'), 'utf8'),
      // No nodejs_compat flag: the worker must not need node:crypto.
      compatibilityDate: '2025-09-01',
      bindings: { WEBHOOK_SECRET: SECRET },
    })
    await mf.ready
  }, READY_MS)
  afterAll(() => mf?.dispose())

  it("bundles core's Web Crypto build under the workerd/worker/browser conditions", async () => {
    const inputs = JSON.parse(await readFile(join(dir, 'inputs.json'), 'utf8')) as {
      worker: string[]
    }
    expect(inputs.worker).toContain('node_modules/@hookguard/core/dist/web/index.js')
    expect(inputs.worker).not.toContain('node_modules/@hookguard/core/dist/node/index.js')
    expect(await readFile(join(dir, 'worker.bundle.js'), 'utf8')).not.toContain('node:crypto')
  })
  signedRequestScenario(
    () => (path, init) =>
      mf.dispatchFetch(
        `http://worker.test${path}`,
        init as Parameters<Miniflare['dispatchFetch']>[1],
      ) as Promise<RuntimeResponse>,
    () => 'workerd',
  )
  signedRequestScenario(
    () => (path, init) =>
      mf.dispatchFetch(
        `http://worker.test${path}`,
        init as Parameters<Miniflare['dispatchFetch']>[1],
      ) as Promise<RuntimeResponse>,
    () => 'workerd',
    '/web',
  )
})
