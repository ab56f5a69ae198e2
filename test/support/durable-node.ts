// One process of the durable tests, run with `node --import tsx` and killed (SIGKILL) or stopped
// (SIGTERM) by them: an Express receiver or a BullMQ worker, configured by environment variables.
// Handlers record in Redis (RECORD_URL, under RECORD_PREFIX) what the tests count:
//   <p>runs   hash id → handler runs started (a repeat is a second start for one id)
//   <p>done   set of ids whose handler finished
//   <p>kept   set of ids the in-process mode handed to the dead-letter hook at shutdown
import type { AddressInfo } from 'node:net'
import { createInbox, createWorker } from '@hookguard/bullmq'
import type { DeadLetterHook, Handler, IdempotencyStore } from '@hookguard/core'
import { MemoryIdempotencyStore } from '@hookguard/core'
import { webhook } from '@hookguard/express'
import { RedisIdempotencyStore } from '@hookguard/redis'
import express from 'express'
import { Redis } from 'ioredis'

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}

const role = env('ROLE') // 'receiver' | 'worker'
const mode = env('MODE', 'inbox') // receiver: 'inbox' | 'redis' | 'memory'
const secret = env('SECRET')
const queueUrl = new URL(env('QUEUE_URL'))
const prefix = env('PREFIX')
const recordPrefix = env('RECORD_PREFIX')
const handlerMs = Number(env('HANDLER_MS', '20'))
const closeMs = Number(env('CLOSE_MS', '500'))
const quiet = process.env.DEBUG_NODE ? console : { warn() {}, error() {} }

const connection = {
  host: queueUrl.hostname,
  port: Number(queueUrl.port),
  db: Number(queueUrl.pathname.slice(1) || 0),
  maxRetriesPerRequest: null,
}
const record = new Redis(env('RECORD_URL'), { maxRetriesPerRequest: null })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Up to `handlerMs`, at random: some runs are always in flight when a signal comes. */
const handle: Handler<unknown> = async (_event, { id }) => {
  await record.hincrby(`${recordPrefix}runs`, id, 1)
  await sleep(Math.random() * handlerMs)
  await record.sadd(`${recordPrefix}done`, id)
}
const keep: DeadLetterHook<unknown> = async (_event, _error, info) => {
  if (info.reason === 'shutdown') await record.sadd(`${recordPrefix}kept`, info.id)
}

let stop: () => Promise<void>

if (role === 'worker') {
  const worker = createWorker({
    connection,
    prefix,
    on: { '*': handle },
    concurrency: 10,
    retry: { attempts: 10, initialDelayMs: 50 },
    lockDurationMs: 2000,
    stalledIntervalMs: 1000,
    closeTimeoutMs: closeMs,
    logger: quiet,
  })
  await worker.worker.waitUntilReady()
  stop = () => worker.close()
  console.log('ready')
} else {
  const options = { secret, logger: quiet }
  let hook: ReturnType<typeof webhook>
  if (mode === 'inbox') {
    hook = webhook({
      ...options,
      inbox: createInbox({ connection, prefix, timeoutMs: 1000, logger: quiet }),
    })
  } else {
    const store: IdempotencyStore =
      mode === 'redis'
        ? new RedisIdempotencyStore(new Redis({ ...connection, maxRetriesPerRequest: 1 }), {
            prefix: env('STORE_PREFIX'),
          })
        : new MemoryIdempotencyStore()
    hook = webhook({ ...options, store, on: { '*': handle }, onDeadLetter: keep })
  }
  const app = express()
  app.post('/webhooks', hook)
  const server = app.listen(Number(env('PORT')), '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  stop = async () => {
    // 503 SHUTTING_DOWN from here on; running handlers get `closeMs`, the rest are kept.
    await hook.close({ timeoutMs: closeMs })
    // A sender on a keep-alive connection keeps it busy (with 503s now): give answers being
    // written a moment, then cut. A cut request was not acknowledged; the sender retries it.
    const closed = new Promise((resolve) => server.close(resolve))
    server.closeIdleConnections()
    setTimeout(() => server.closeAllConnections(), 500).unref()
    await closed
  }
  console.log(`ready ${(server.address() as AddressInfo).port}`)
}

process.once('SIGTERM', async () => {
  await stop()
  await record.quit()
  process.exit(0)
})
