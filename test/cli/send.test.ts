import { type ChildProcess, spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../docs/shell.js'
import { cleanEnv, hookguard, scratch } from './run.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const SECRET = 'whsec_cli_send_test_secret'

// The three examples, each run from its source (src/server.ts) through tsx, on free ports.
const EXAMPLES = ['express', 'fastify', 'hono'] as const
type Example = (typeof EXAMPLES)[number]

const children: ChildProcess[] = []
const urls = new Map<Example, string>()
const webhooksOf = (name: Example) => `${urls.get(name)}/webhooks`

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`nothing listens on ${port}`)
}

/**
 * The examples' environment: no REDIS_URL (the test run's Redis set-up exports it), or the Express
 * example runs durable and leaves each run's events (about 30 keys) in the test Redis. Its
 * durable mode has its own tests; these only need the answers.
 */
function exampleEnv(port: number): NodeJS.ProcessEnv {
  const { REDIS_URL: _redis, ...env } = cleanEnv({
    PORT: String(port),
    HOST: '127.0.0.1',
    WEBHOOK_SECRET: SECRET,
  })
  return env
}

beforeAll(async () => {
  const ports = await Promise.all(EXAMPLES.map(() => freePort()))
  EXAMPLES.forEach((name, i) => {
    const port = ports[i] as number
    // `node --import tsx` rather than the tsx CLI: one process, so the SIGKILL below leaves no
    // orphan (the CLI's node child outlived it and kept the port: the next run's requests went to
    // the last run's servers). Free ports, so a server left by another run cannot answer either.
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}/src/server.ts`], {
      cwd: root,
      env: exampleEnv(port),
      stdio: 'ignore',
    })
    children.push(child)
    urls.set(name, `http://127.0.0.1:${port}`)
  })
  await Promise.all(ports.map((port) => waitForPort(port)))
})

afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

describe('hookguard send against the examples', () => {
  it.concurrent.each(EXAMPLES)(
    '%s: distinct events and duplicates all acknowledged',
    { timeout: 120_000 },
    async (name) => {
      const result = await hookguard(
        [
          'send',
          webhooksOf(name),
          '--secret-env',
          'SECRET',
          '--count',
          '12',
          '--concurrency',
          '4',
          '--duplicates',
          '4',
          '--retry',
          '3',
          '--retry-delay',
          '20',
          '--json',
        ],
        { env: { SECRET } },
      )
      expect(result.code, result.stderr).toBe(0)
      const summary = JSON.parse(result.stdout)
      expect(summary).toMatchObject({
        deliveries: 16,
        duplicates: 4,
        ok: 16,
        failed: 0,
        statuses: { 200: 16 },
      })
      // Each duplicate repeats an id that was sent before.
      const ids = summary.results.map((r: { id: string }) => r.id)
      expect(new Set(ids).size).toBe(12)
      expect(summary.latencyMs.max).toBeGreaterThanOrEqual(summary.latencyMs.p50)
    },
  )

  it('a wrong secret: every delivery rejected with 401, exit 1, and the table says so', async () => {
    const result = await hookguard([
      'send',
      webhooksOf('express'),
      '--secret',
      'not-the-secret',
      '--count',
      '3',
    ])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^answer +count +p50 +p95 +max\n401 +3 /)
    expect(result.stdout).toContain('0 answered 2xx, 3 not')
  })

  it('--type and --data build the event from a file or stdin', async () => {
    const dir = scratch({
      'order.json': JSON.stringify({ id: 'ord_from_file', amount: 5, currency: 'eur' }),
    })
    for (const [data, stdin] of [
      [join(dir, 'order.json'), ''],
      ['-', '{"id":"ord_stdin"}'],
    ] as const) {
      const result = await hookguard(
        [
          'send',
          webhooksOf('hono'),
          '--secret-env',
          'SECRET',
          '--type',
          'order.created',
          '--data',
          data,
          '--json',
        ],
        { env: { SECRET }, stdin },
      )
      expect(result.code, result.stderr).toBe(0)
      expect(JSON.parse(result.stdout).statuses).toEqual({ 200: 1 })
    }
  })
})

/** A receiver that answers from a script, recording each request. */
function scripted(
  answers: Array<number | 'drop'>,
): Promise<{ url: string; server: Server; seen: Array<{ id: string; signature: string }> }> {
  const seen: Array<{ id: string; signature: string }> = []
  let n = 0
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      seen.push({ id: JSON.parse(body).id, signature: String(req.headers['x-webhook-signature']) })
      const answer = answers[Math.min(n++, answers.length - 1)]
      if (answer === 'drop') {
        req.socket.destroy()
        return
      }
      res.writeHead(answer as number, answer === 409 ? { 'retry-after': '0' } : {})
      res.end()
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, seen }),
    ),
  )
}

/** One signed event to `url` with `--retry` and `--retry-delay` (ms), the summary as JSON. */
const sendRetrying = (url: string, retries: number, delayMs: number) =>
  hookguard([
    'send',
    url,
    '--secret',
    SECRET,
    '--retry',
    String(retries),
    '--retry-delay',
    String(delayMs),
    '--json',
  ])

describe('hookguard send --retry, like a real sender', () => {
  it('retries 5xx, 409 and dropped connections with backoff, re-signing each attempt', async () => {
    const { url, server, seen } = await scripted([503, 409, 'drop', 500, 200])
    const result = await sendRetrying(url, 5, 10)
    server.close()
    expect(result.code, result.stderr).toBe(0)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({ deliveries: 1, requests: 5, retried: 1, statuses: { 200: 1 } })
    expect(new Set(seen.map((s) => s.id)).size).toBe(1)
  })

  it('does not retry a 4xx other than 409', async () => {
    const { url, server, seen } = await scripted([400])
    const result = await sendRetrying(url, 5, 10)
    server.close()
    expect(result.code).toBe(1)
    expect(seen).toHaveLength(1)
    expect(JSON.parse(result.stdout).statuses).toEqual({ 400: 1 })
  })

  it('gives up after --retry attempts on a refused connection', async () => {
    const result = await sendRetrying('http://127.0.0.1:7139/', 2, 5)
    expect(result.code).toBe(1)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({ requests: 3, failed: 1, statuses: { ECONNREFUSED: 1 } })
  })
})

describe('senders whose events are keyed by their body (Shopify)', () => {
  const sendShopify = (url: string, extra: string[], stdin?: string) =>
    hookguard(
      ['send', url, '--scheme', 'shopify', '--secret', SECRET, '--count', '3', ...extra, '--json'],
      stdin === undefined ? {} : { stdin },
    )

  it('warns that one --data body sent --count times is one event, and says nothing without --data', async () => {
    const { url, server } = await scripted([200])
    const same = await sendShopify(url, ['--data', '-'], '{"id":"order_1"}')
    const fresh = await sendShopify(url, [])
    server.close()
    expect(same.code, same.stderr).toBe(0)
    expect(same.stderr).toContain('keyed by their body')
    expect(JSON.parse(same.stdout).statuses).toEqual({ 200: 3 })
    expect(fresh.code, fresh.stderr).toBe(0)
    expect(fresh.stderr).not.toContain('keyed by their body')
  })
})

describe('mailgun: the signature travels in the body', () => {
  const check = (body: string) => {
    const { signature } = JSON.parse(body) as {
      signature: { timestamp: string; token: string; signature: string }
    }
    const expected = createHmac('sha256', SECRET)
      .update(signature.timestamp + signature.token)
      .digest('hex')
    return { ...signature, valid: signature.signature === expected }
  }

  it('send: signed once, the same body on every retry, as Mailgun resends it', async () => {
    const bodies: string[] = []
    let n = 0
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        bodies.push(body)
        res.writeHead(n++ === 0 ? 500 : 200).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const args = ['send', url, '--scheme', 'mailgun', '--secret', SECRET, '--retry', '2']
    const result = await hookguard([...args, '--retry-delay', '1', '--json'])
    server.close()
    expect(result.code, result.stderr).toBe(0)
    expect(bodies).toHaveLength(2)
    expect(bodies[1]).toBe(bodies[0])
    expect(check(bodies[0] as string)).toMatchObject({ valid: true, token: expect.any(String) })
    expect(JSON.parse(bodies[0] as string)['event-data']).toMatchObject({ event: 'delivered' })
  })

  it('sign: prints the body with the signature fields written in', async () => {
    const dir = scratch({ 'event.json': '{"event-data":{"event":"opened"}}' })
    const result = await hookguard([
      'sign',
      '--scheme',
      'mailgun',
      '--secret',
      SECRET,
      '--body',
      join(dir, 'event.json'),
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(check(result.stdout)).toMatchObject({ valid: true })
  })
})
