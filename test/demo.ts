/**
 * The demo: starts the three example receivers on free local ports (from the packages' TypeScript
 * sources, through tsx: nothing to build) and sends each, over real HTTP, a scripted series of
 * webhooks signed with `sign()`. Prints a table, with the cause of any request that failed, and
 * from each server's own log how many times its handler ran for each event (once). Exits non-zero
 * if any row differs from what is expected.
 *
 *   npx --yes pnpm@10 install && npx --yes pnpm@10 demo
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { sign } from '@hookguard/core'

const NEW_SECRET = 'whsec_demo_current'
const OLD_SECRET = 'whsec_demo_previous'
const FRAMEWORKS = ['express', 'fastify', 'hono'] as const

interface Case {
  name: string
  expected: string
  send: (url: string) => Promise<Response>
  /** Sent again, for up to 5 s, while the answer is this (the sender would retry it too). */
  retryWhile?: string
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`)
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) })
      return
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  throw new Error(`server at ${url} did not start within 30 s`)
}

interface Server {
  child: ChildProcess
  /** What the server printed so far: its handlers log each event they run. */
  log: () => string
}

function start(framework: string, port: number): Server {
  const cwd = fileURLToPath(new URL(`../examples/${framework}/`, import.meta.url))
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url))
  const child = spawn(tsx, ['src/server.ts'], {
    cwd,
    env: { ...process.env, PORT: String(port), WEBHOOK_SECRET: `${NEW_SECRET},${OLD_SECRET}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const chunks: string[] = []
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
  return { child, log: () => chunks.join('') }
}

/** How many lines of the server's log name this event id (the id alone, not a longer one). */
function runsOf(server: Server, id: string): number {
  const exact = new RegExp(`${id}(?![\\w])`)
  return server
    .log()
    .split('\n')
    .filter((line) => exact.test(line)).length
}

/** An error with its causes: `fetch failed` alone says nothing of what failed. */
function describeError(error: unknown): string {
  const parts: string[] = []
  for (let e: unknown = error; e instanceof Error && parts.length < 4; e = e.cause) {
    const code = (e as { code?: unknown }).code
    parts.push(
      typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message,
    )
  }
  return `error: ${parts.join(': ')}`
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(`${url}/webhooks`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(10_000),
  })

function eventId(framework: string): string {
  return `evt_demo_${framework}_${Date.now()}`
}

function cases(id: string): Case[] {
  const body = JSON.stringify({
    id,
    type: 'order.created',
    created: Math.floor(Date.now() / 1000),
    apiVersion: '2026-11-01',
    data: { object: { id: 'ord_1', amount: 4200, currency: 'eur' } },
  })
  const rotated = body.replace(id, `${id}_rotated`)
  const signed = (payload: string, secret = NEW_SECRET, timestamp?: number) =>
    sign({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) })
  return [
    { name: 'valid event', expected: '200', send: async (u) => post(u, body, await signed(body)) },
    {
      name: 'same event again',
      expected: '200 duplicate',
      send: async (u) => post(u, body, await signed(body)),
      // ack: 'before' runs the handler after the 200: until it has completed, a copy is 409.
      retryWhile: '409 IN_PROGRESS',
    },
    {
      name: 'tampered body',
      expected: '401 INVALID_SIGNATURE',
      send: async (u) => post(u, body.replace('4200', '1'), await signed(body)),
    },
    {
      name: 'wrong secret',
      expected: '401 INVALID_SIGNATURE',
      send: async (u) => post(u, body, await signed(body, 'whsec_attacker')),
    },
    {
      name: 'stale timestamp (10 min old)',
      expected: '401 TIMESTAMP_EXPIRED',
      send: async (u) =>
        post(u, body, await signed(body, NEW_SECRET, Math.floor(Date.now() / 1000) - 600)),
    },
    {
      name: 'signed by the rotated-in second secret',
      expected: '200',
      send: async (u) => post(u, rotated, await signed(rotated, OLD_SECRET)),
    },
    {
      name: 'oversized body (2 MiB)',
      expected: '413 PAYLOAD_TOO_LARGE',
      send: async (u) => {
        const big = JSON.stringify({
          id: `${id}_big`,
          type: 'order.created',
          pad: 'x'.repeat(2 * 1024 * 1024),
        })
        return post(u, big, await signed(big))
      },
    },
    {
      name: 'missing signature header',
      expected: '401 MISSING_HEADER',
      send: async (u) => {
        const { 'x-webhook-signature': _dropped, ...headers } = await signed(body)
        return post(u, body, headers)
      },
    },
  ]
}

async function describeResponse(response: Response): Promise<string> {
  const text = await response.text()
  let parsed: { code?: string; duplicate?: boolean } = {}
  try {
    parsed = JSON.parse(text)
  } catch {}
  if (parsed.code) return `${response.status} ${parsed.code}`
  return parsed.duplicate ? `${response.status} duplicate` : String(response.status)
}

async function main(): Promise<number> {
  const rows: string[][] = []
  const children: ChildProcess[] = []
  try {
    for (const framework of FRAMEWORKS) {
      const port = await freePort()
      const url = `http://127.0.0.1:${port}`
      const server = start(framework, port)
      children.push(server.child)
      await waitUntilUp(url, server.child)
      const id = eventId(framework)
      for (const c of cases(id)) {
        const deadline = Date.now() + 5000
        let got = await c.send(url).then(describeResponse, describeError)
        while (got === c.retryWhile && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100))
          got = await c.send(url).then(describeResponse, describeError)
        }
        rows.push([framework, c.name, c.expected, got, got === c.expected ? 'ok' : 'MISMATCH'])
      }
      // The server's side: each accepted event's handler ran once (the duplicate, the tampered
      // and the forged copies of the first one never did). ack: 'before' runs it after the 200.
      const accepted = [
        ['valid event', id],
        ['rotated-in secret', `${id}_rotated`],
      ] as const
      const deadline = Date.now() + 5000
      while (accepted.some(([, e]) => runsOf(server, e) < 1) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50))
      }
      for (const [name, event] of accepted) {
        const runs = runsOf(server, event)
        const got = runs === 1 ? 'ran once' : `ran ${runs} times`
        rows.push([
          framework,
          `server log: ${name} handler`,
          'ran once',
          got,
          got === 'ran once' ? 'ok' : 'MISMATCH',
        ])
      }
    }
  } finally {
    for (const child of children) child.kill('SIGTERM')
  }
  const header = ['framework', 'case', 'expected', 'got', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  console.log(line(header))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const row of rows) console.log(line(row))
  const failed = rows.filter((r) => r[4] !== 'ok').length
  console.log(`\n${rows.length - failed} of ${rows.length} cases answered as expected`)
  return failed === 0 ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
