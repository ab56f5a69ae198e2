import { createInbox, createWorker } from '@hookguard/bullmq'
import { Redis } from 'ioredis'
import { createApp, DEV_SECRET, secretsFromEnv, shopHandlers } from './app.js'
import { webhookMetrics } from './metrics.js'

const port = Number(process.env.PORT ?? 3001)
const secret = secretsFromEnv()
const metrics = webhookMetrics()

// REDIS_URL set: the durable mode (events stored in a BullMQ inbox before the 200, a worker in
// this process runs them; more workers can run anywhere). Unset: handlers run in this process.
const redis = process.env.REDIS_URL
  ? new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null })
  : undefined
const inbox = redis ? createInbox({ connection: redis }) : undefined
const worker = redis
  ? createWorker({ connection: redis, on: shopHandlers(), onOutcome: metrics.onOutcome })
  : undefined

const app = createApp({ secret, metrics, ...(inbox ? { inbox } : {}) })
const server = app.listen(port, () => {
  console.log(`hookguard express example listening on http://localhost:${port}`)
  console.log(`  POST http://localhost:${port}/webhooks   (signed webhooks)`)
  console.log(`  POST http://localhost:${port}/api/echo   (plain JSON)`)
  console.log(`  GET  http://localhost:${port}/metrics    (Prometheus)`)
  if (inbox) console.log(`  GET  http://localhost:${port}/admin/queues (bull-board)`)
  if (secret.includes(DEV_SECRET)) {
    console.log(
      '  using the dev secret; set WEBHOOK_SECRET (comma-separated to rotate) for real use',
    )
  }
})

// A deploy: new deliveries get 503 (the sender retries), running work finishes or is kept.
process.once('SIGTERM', async () => {
  await app.closeWebhooks({ timeoutMs: 10_000 })
  await worker?.close()
  server.close()
  server.closeIdleConnections()
  await redis?.quit()
  process.exit(0)
})
