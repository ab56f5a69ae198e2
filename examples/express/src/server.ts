import { app, DEV_SECRET, secretsFromEnv } from './app.js'

const port = Number(process.env.PORT ?? 3001)

app.listen(port, () => {
  console.log(`hookguard express example listening on http://localhost:${port}`)
  console.log(`  POST http://localhost:${port}/webhooks   (signed webhooks)`)
  console.log(`  POST http://localhost:${port}/api/echo   (plain JSON)`)
  if (secretsFromEnv().includes(DEV_SECRET)) {
    console.log(
      '  using the dev secret; set WEBHOOK_SECRET (comma-separated to rotate) for real use',
    )
  }
})
