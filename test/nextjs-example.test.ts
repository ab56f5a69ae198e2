// examples/nextjs under `next start`, over a real socket: the App Router route handler
// (@hookguard/web, `after()` for the work after the 200) and the Pages API route (@hookguard/node).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sign } from '@hookguard/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const example = join(root, 'examples/nextjs')
const next = join(example, 'node_modules/next/dist/bin/next')
const secret = 'whsec_nextjs_example'
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', WEBHOOK_SECRET: secret }

/** The newest modification time of the files under `path`. */
function newest(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))))
}

// `next build` takes tens of seconds: build once, and again only when the example or the built
// packages it bundles changed since (`.ci/run` builds it before the test runs).
function buildIfStale(): void {
  const built = newest(join(example, '.next/BUILD_ID'))
  const sources = Math.max(
    newest(join(example, 'src')),
    newest(join(example, 'next.config.ts')),
    ...['core', 'web', 'node'].map((name) => newest(join(root, 'packages', name, 'dist'))),
  )
  if (built > sources) return
  execFileSync(process.execPath, [next, 'build'], { cwd: example, env, stdio: 'pipe' })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

let server: ChildProcess
let base: string
const output: string[] = []
const ran = (route: string, id: string) =>
  output
    .join('')
    .split('\n')
    .filter((line) => line.includes(`${route} ran order.created ${id}`))

beforeAll(async () => {
  buildIfStale()
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  server = spawn(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: example,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  server.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  await vi.waitFor(
    async () => {
      if (server.exitCode !== null) throw new Error(`next start exited:\n${output.join('')}`)
      await fetch(`${base}/api/webhooks`, { method: 'HEAD' })
    },
    { timeout: 60_000, interval: 200 },
  )
}, 240_000)

afterAll(() => {
  server?.kill()
})

async function send(path: string, event: object, signingSecret = secret) {
  const body = JSON.stringify(event)
  const headers = await sign({ payload: body, secret: signingSecret })
  return fetch(`${base}${path}`, {
    method: 'POST',
    body,
    headers: { ...headers, 'content-type': 'application/json' },
  })
}

describe.each([
  { route: 'app-router', path: '/api/webhooks', entry: '@hookguard/web' },
  { route: 'pages-api', path: '/api/node-webhooks', entry: '@hookguard/node' },
])('examples/nextjs $path ($entry) under next start', ({ route, path }) => {
  const event = {
    id: `evt_${route}`,
    type: 'order.created',
    data: { object: { id: 'ord_1' } },
  }

  it('answers a signed event 200 and its handler runs, once', async () => {
    const response = await send(path, event)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true })
    await vi.waitFor(() => expect(ran(route, event.id)).toHaveLength(1), { timeout: 10_000 })
    const again = await send(path, event)
    expect(await again.json()).toEqual({ received: true, duplicate: true })
    expect(ran(route, event.id)).toHaveLength(1)
  })

  it('answers a bad signature 401 INVALID_SIGNATURE and runs nothing', async () => {
    const forged = { ...event, id: `evt_${route}_forged` }
    const response = await send(path, forged, 'whsec_attacker')
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'INVALID_SIGNATURE' })
    expect(ran(route, forged.id)).toEqual([])
  })
})
