/**
 * A `pnpm stress` server process: starts the receivers the driver asks for (an adapter over the
 * memory or the Redis store, each on its own loopback port, through the same start functions the
 * socket tests use), counts handler runs per event id and log lines, and reports faults instead
 * of dying of them, so the driver sees every one.
 */
import { type LogFields, type Logger, MemoryIdempotencyStore } from '@hookguard/core'
import type { ReceiverOptions } from '@hookguard/core/adapter'
import { RedisIdempotencyStore } from '@hookguard/redis'
import { Redis } from 'ioredis'
import { allAdapters } from '../support/adapters.js'
import type { FromServer, ServerConfig, ServerSpec, ServerStats, ToServer } from './protocol.js'
import { takeTiming, watchRequests } from './server-timing.js'

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig
const send = (message: FromServer) => process.send?.(message)

// Never outlive the driver.
process.on('disconnect', () => process.exit(0))
for (const kind of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(kind, (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    send({ type: 'fault', kind, message })
  })
}

interface Counters {
  runs: Map<string, number>
  running: Map<string, number>
  overlapping: number
  inflight: number
  logs: Record<string, number>
  secretLeaks: number
  samples: string[]
}

const fresh = (): Counters => ({
  runs: new Map(),
  running: new Map(),
  overlapping: 0,
  inflight: 0,
  logs: {},
  secretLeaks: 0,
  samples: [],
})

/** A logger that counts lines by level and code, and checks each for the secret. */
function countingLogger(counters: () => Counters): Logger {
  const line = (level: string) => (fields: LogFields, message: string) => {
    const c = counters()
    const key = `${level} ${fields.code}`
    c.logs[key] = (c.logs[key] ?? 0) + 1
    const err = fields.err instanceof Error ? fields.err.message : ''
    const text = `${message} ${JSON.stringify({ ...fields, err })}`
    if (text.includes(config.secret)) c.secretLeaks++
    if ((level === 'warn' || level === 'error') && c.samples.length < 3) {
      c.samples.push(`${level}: ${text.slice(0, 300)}`)
    }
  }
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }
}

watchRequests()

const redis = config.servers.some((s) => s.store === 'redis')
  ? new Redis(config.redisUrl ?? '', { maxRetriesPerRequest: 1 })
  : undefined

async function start(spec: ServerSpec) {
  let counters = fresh()
  const logger = countingLogger(() => counters)
  const store =
    spec.store === 'memory'
      ? new MemoryIdempotencyStore()
      : new RedisIdempotencyStore(redis as Redis, {
          prefix: `${config.prefix}${spec.adapter}:`,
          logger,
        })
  const options: ReceiverOptions = {
    secret: config.secret,
    store,
    logger,
    bodyTimeoutMs: config.bodyTimeoutMs,
    on: {
      '*': async (_event, { id }) => {
        const c = counters
        c.runs.set(id, (c.runs.get(id) ?? 0) + 1)
        const running = c.running.get(id) ?? 0
        if (running > 0) c.overlapping++
        c.running.set(id, running + 1)
        c.inflight++
        try {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * config.handlerMaxMs))
        } finally {
          c.running.set(id, (c.running.get(id) ?? 1) - 1)
          c.inflight--
        }
      },
    },
  }
  const entry = allAdapters.find(([name]) => name === spec.adapter)
  if (!entry) throw new Error(`no adapter ${spec.adapter}`)
  const app = await entry[1](options, config.secret)
  return {
    url: app.url,
    port: Number(new URL(app.url).port),
    stats(reset: boolean): ServerStats {
      const c = counters
      if (reset) counters = fresh()
      return {
        rss: process.memoryUsage().rss,
        runs: [...c.runs],
        overlapping: c.overlapping,
        inflight: c.inflight,
        logs: c.logs,
        secretLeaks: c.secretLeaks,
        samples: c.samples,
        polluted: Object.keys(Object.prototype).length > 0 || 'polluted' in {},
      }
    },
  }
}

const servers = await Promise.all(config.servers.map(start))
process.on('message', (message: ToServer) => {
  const server = servers[message.server]
  if (!server) return
  if (message.type === 'stats') {
    send({ type: 'stats', nonce: message.nonce, stats: server.stats(message.reset) })
  } else {
    send({ type: 'timing', nonce: message.nonce, timing: takeTiming(server.port) })
  }
})
send({ type: 'ready', urls: servers.map((s) => s.url) })
