import { createApp, DEV_SECRET, secretsFromEnv } from './app.js'

const port = Number(process.env.PORT ?? 3002)
const host = process.env.HOST ?? '127.0.0.1'
const secrets = secretsFromEnv()

const app = createApp({ secret: secrets, logger: true })

try {
  await app.listen({ port, host })
  app.log.info(`POST http://${host}:${port}/webhooks   (signed webhooks)`)
  app.log.info(`POST http://${host}:${port}/api/echo   (plain JSON)`)
  if (secrets.includes(DEV_SECRET)) {
    app.log.warn(
      'using the dev secret; set WEBHOOK_SECRET (comma-separated to rotate) for real use',
    )
  }
} catch (error) {
  app.log.error(error)
  process.exit(1)
}
