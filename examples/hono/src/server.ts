import { serve } from '@hono/node-server'
import { app, DEV_SECRET, secretsFromEnv } from './app.js'

const port = Number(process.env.PORT ?? 3003)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`)
}
if (secretsFromEnv().includes(DEV_SECRET)) {
  console.warn(`WEBHOOK_SECRET is unset: using the development secret "${DEV_SECRET}"`)
}

const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`hookguard hono example listening on http://localhost:${info.port}/webhooks`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)))
}
