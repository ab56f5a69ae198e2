import { connect } from 'node:net'
import { Writable } from 'node:stream'
import hookguard from '@hookguard/fastify'
import { SECRET } from '@hookguard/test-kit'
import Fastify from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { allAdapters, type RunningApp } from './support/adapters.js'

// A client that gives up mid-body is routine (a sender's timeout, a redeploy): each adapter logs
// it as one debug line without a stack, and nothing at warn or error. Before, Express's and
// Hono's error handlers printed a stack to console.error and Fastify logged it at info with one.

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error'
  text: string
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const
const PINO_LEVELS: Record<number, Line['level']> = {
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
}

/** Headers, a declared 1000-byte body, 6 bytes of it, then the client goes away. */
async function abortMidBody(url: string): Promise<void> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(
    `POST /webhooks HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n` +
      'x-webhook-timestamp: 1\r\nx-webhook-signature: v1=00\r\ncontent-length: 1000\r\n\r\n{"id":',
  )
  await new Promise<void>((resolve) => socket.write('', () => resolve()))
  socket.destroy()
}

/** Fastify as users run it, with its pino logger (at debug) as hookguard's default logger. */
async function startLoggedFastify(lines: Line[]): Promise<RunningApp> {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      const entry = JSON.parse(String(chunk)) as { level: number }
      const level = PINO_LEVELS[entry.level]
      if (level) lines.push({ level, text: String(chunk) })
      done()
    },
  })
  const app = Fastify({ logger: { level: 'debug', stream } })
  await app.register(async (webhooks) => {
    await webhooks.register(hookguard, { secret: SECRET, on: { '*': () => {} } })
    webhooks.post('/webhooks', async () => ({ unreachable: true }))
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}

describe.each(allAdapters)('%s: a client that aborts mid-body', (name, start) => {
  const lines: Line[] = []
  let app: RunningApp
  const env = process.env.NODE_ENV
  beforeAll(async () => {
    // Express prints errors that reach its final handler except when NODE_ENV is 'test'.
    process.env.NODE_ENV = 'production'
    app =
      name === 'fastify'
        ? await startLoggedFastify(lines)
        : await start({ secret: SECRET, on: { '*': () => {} } }, SECRET)
    // Every other adapter logs to console by default; so do Express's and Hono's error handlers.
    for (const level of LEVELS) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        const text = args.map((a) => (a instanceof Error ? a.stack : JSON.stringify(a)))
        lines.push({ level, text: text.join(' ') })
      })
    }
  })
  afterAll(async () => {
    vi.restoreAllMocks()
    process.env.NODE_ENV = env
    await app.close()
  })
  afterEach(() => {
    lines.length = 0
  })

  it('logs one debug line with code ECONNABORTED, no stack, nothing at warn or error', async () => {
    await abortMidBody(app.url)
    await vi.waitFor(() => expect(lines.some((line) => line.level === 'debug')).toBe(true))
    // The next request is answered, so the aborted one had its full say in the log before it.
    const next = await fetch(`${app.url}/webhooks`, { method: 'POST', body: '{}' })
    expect(next.status).toBe(401)
    const aborted = lines.filter((line) => line.text.includes('ECONNABORTED'))
    expect(aborted).toHaveLength(1)
    expect(aborted[0]?.level).toBe('debug')
    expect(lines.filter((line) => /\n\s+at /.test(line.text))).toEqual([])
    expect(lines.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual([])
  })
})
