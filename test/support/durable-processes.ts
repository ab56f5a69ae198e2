import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sign } from '@hookguard/core'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Under the root's node_modules, so the bundle resolves bullmq, ioredis and express from there. */
const BUNDLE = fileURLToPath(
  new URL('../../node_modules/.cache/hookguard/durable-node.mjs', import.meta.url),
)

let bundled: Promise<unknown> | undefined
/**
 * `durable-node.ts` and the hookguard sources it imports (through tsconfig paths) as one ES
 * module, built once per test file: a process the tests restart every few seconds must start in
 * well under a second, which transpiling on each start (tsx) does not on a loaded machine.
 */
function bundle(): Promise<unknown> {
  bundled ??= build({
    entryPoints: [fileURLToPath(new URL('./durable-node.ts', import.meta.url))],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: `${ROOT}tsconfig.json`,
    external: ['bullmq', 'ioredis', 'express'],
    logLevel: 'error',
  })
  return bundled
}

/** A receiver or worker process (`durable-node.ts`) that a test kills, stops and restarts. */
export interface NodeProcess {
  readonly name: string
  /** SIGKILL: no cleanup at all, like a crash or an OOM kill. Resolves once it has exited. */
  kill(): Promise<void>
  /** SIGTERM: the graceful shutdown a deploy sends. Resolves once it has exited. */
  term(): Promise<void>
  /** Starts it again (after a kill or a stop) and resolves once it is ready. */
  start(): Promise<void>
}

/** A `durable-node.ts` process with `env`, started (resolves once it prints `ready`). */
export async function startNode(name: string, env: Record<string, string>): Promise<NodeProcess> {
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let output = ''
  const signal = async (which: NodeJS.Signals) => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(which)
    await exited
  }
  await bundle()
  const node: NodeProcess = {
    name,
    kill: () => signal('SIGKILL'),
    async term() {
      const timer = setTimeout(() => child?.kill('SIGKILL'), 15_000)
      await signal('SIGTERM')
      clearTimeout(timer)
      if (child?.signalCode === 'SIGKILL') {
        throw new Error(`${name} did not exit within 15 s of SIGTERM:\n${output}`)
      }
    },
    async start() {
      const started = spawn(process.execPath, [BUNDLE], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child = started
      exited = new Promise((resolve) => started.once('exit', () => resolve()))
      output = ''
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name} not ready in 30 s:\n${output}`)),
          30_000,
        )
        started.stderr?.on('data', (data: Buffer) => {
          output += data
        })
        started.stdout?.on('data', (data: Buffer) => {
          output += data
          if (/^ready/m.test(output)) {
            clearTimeout(timer)
            resolve()
          }
        })
        started.once('exit', (code, sig) => {
          clearTimeout(timer)
          reject(new Error(`${name} exited (${code ?? sig}) before it was ready:\n${output}`))
        })
      })
    },
  }
  await node.start()
  return node
}

/** What the sender saw for one event. */
export interface Delivery {
  id: string
  /** Requests made until one was answered 200. */
  attempts: number
  /** Every non-200 answer (status, or `error` for a refused or cut connection). */
  retried: Array<number | 'error'>
}

export interface SendOptions {
  url: () => string
  secret: string
  ids: string[]
  /** Requests in flight at once; each lane sends its events one after another. */
  lanes: number
  /** Pause between one lane's events, to spread the load over the run. */
  gapMs: number
  /** Called with every answer (after the request's end), for tests that check answers over time. */
  onAnswer?: (answer: { id: string; status: number | 'error'; sentAt: number; at: number }) => void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A sender that behaves like the real ones: it retries on 5xx, 409 and connection errors with
 * exponential backoff and jitter, until it is answered 200; any other answer is a bug (thrown).
 * Resolves once every event was acknowledged.
 */
export async function sendAll(options: SendOptions): Promise<Delivery[]> {
  const queue = [...options.ids]
  const deliveries: Delivery[] = []
  async function deliver(id: string): Promise<Delivery> {
    const payload = JSON.stringify({
      id,
      type: 'order.created',
      created: 1,
      data: { object: { id } },
    })
    const delivery: Delivery = { id, attempts: 0, retried: [] }
    for (;;) {
      delivery.attempts++
      const sentAt = Date.now()
      let status: number | 'error'
      try {
        const headers = await sign({ payload, secret: options.secret })
        const response = await fetch(`${options.url()}/webhooks`, {
          method: 'POST',
          body: payload,
          headers: { ...headers, 'content-type': 'application/json' },
          signal: AbortSignal.timeout(10_000),
        })
        status = response.status
        await response.arrayBuffer()
      } catch {
        status = 'error'
      }
      options.onAnswer?.({ id, status, sentAt, at: Date.now() })
      if (status === 200) return delivery
      if (status !== 'error' && status !== 409 && status < 500) {
        throw new Error(`event ${id} was answered ${status}: no sender retries that`)
      }
      delivery.retried.push(status)
      const backoff = Math.min(1000, 50 * 2 ** Math.min(delivery.retried.length, 5))
      await sleep(backoff / 2 + Math.random() * (backoff / 2))
    }
  }
  await Promise.all(
    Array.from({ length: options.lanes }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        deliveries.push(await deliver(id))
        await sleep(options.gapMs)
      }
    }),
  )
  return deliveries
}
