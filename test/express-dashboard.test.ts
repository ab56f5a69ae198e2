import { existsSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type BullInbox, createInbox, createWorker, type InboxWorker } from '@hookguard/bullmq'
import { sign } from '@hookguard/core'
import { connect, deleteKeys, describeRedis } from '@hookguard/test-kit/redis'
import type { Redis } from 'ioredis'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp, type ShopEvent, shopHandlers } from '../examples/express/src/app.js'
import { DASHBOARD_PATH } from '../examples/express/src/dashboard.js'
import { webhookMetrics } from '../examples/express/src/metrics.js'
import { redisOptions, testPrefix, waitFor } from '../packages/bullmq/src/test-helpers.js'

// The Express example in the durable mode, operated as a person would: bull-board in headless
// Chromium shows the dead-lettered event, its Retry button runs it again, and /metrics counts
// deliveries and handler runs through onOutcome.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 })

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SECRET = 'whsec_dashboard_test'
const quiet = { warn() {}, error() {} }

let redis: Redis
let browser: Browser | undefined
const prefix = testPrefix('dashboard')
const closing: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  redis = connect()
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  }
})
afterAll(async () => {
  for (const close of closing.reverse()) await close()
  await browser?.close()
  await deleteKeys(redis, prefix)
  await redis.quit()
})

async function serve(app: ReturnType<typeof createApp>): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started))
  })
  closing.push(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function deliver(base: string, event: ShopEvent) {
  const payload = JSON.stringify(event)
  const response = await fetch(`${base}/webhooks`, {
    method: 'POST',
    body: payload,
    headers: { ...(await sign({ payload, secret: SECRET })), 'content-type': 'application/json' },
  })
  return response.status
}

const order = (id: string): ShopEvent => ({
  id,
  type: 'order.created',
  created: 1,
  data: { object: { id: `ord_${id}` } },
})

// Skipped (with the reason in its name) only where no Chromium is installed.
const describeDashboard = existsSync(CHROMIUM) ? describeRedis : describe.skip

describeDashboard(
  `examples/express with a BullMQ inbox (Chromium at ${CHROMIUM}; .ci/run installs it)`,
  () => {
    it('bull-board shows a dead-lettered event and its Retry runs it again; /metrics counts it all', async () => {
      const inbox: BullInbox = createInbox({ connection: redisOptions(), prefix, logger: quiet })
      closing.push(() => inbox.close())
      const metrics = webhookMetrics()
      let outage = true
      const fulfilled: string[] = []
      const worker: InboxWorker = createWorker<ShopEvent>({
        connection: redisOptions(),
        prefix,
        logger: quiet,
        retry: { attempts: 2, initialDelayMs: 10 },
        onDeadLetter: () => {},
        onOutcome: metrics.onOutcome,
        on: shopHandlers((event) => {
          if (outage) throw new Error(`warehouse API down for ${event.id}`)
          fulfilled.push(event.id)
        }),
      })
      closing.push(() => worker.close())
      const base = await serve(createApp({ secret: SECRET, inbox, metrics }))

      expect(await deliver(base, order('evt_dash_1'))).toBe(200)
      await waitFor(async () => (await inbox.deadLetters()).length === 1, 30_000, 'the dead letter')

      const page = await (browser as Browser).newPage()
      await page.goto(`${base}${DASHBOARD_PATH}/queue/webhooks?status=failed`)
      // The failed job's card: its id (the encoded idempotency key) and the last error.
      await page.getByText('hookguard%3Aevt_dash_1', { exact: false }).first().waitFor()
      await page.getByText('warehouse API down for evt_dash_1').first().waitFor()

      outage = false
      await page.getByRole('button', { name: 'Retry all' }).click()
      await page.getByRole('button', { name: 'Confirm' }).click()
      await waitFor(() => fulfilled.length === 1, 30_000, 'the retried run')
      expect(fulfilled).toEqual(['evt_dash_1'])
      await waitFor(async () => (await inbox.deadLetters()).length === 0, 30_000, 'no dead letters')
      await page.goto(`${base}${DASHBOARD_PATH}/queue/webhooks?status=completed`)
      await page.getByText('hookguard%3Aevt_dash_1', { exact: false }).first().waitFor()
      await page.close()

      const text = await (await fetch(`${base}/metrics`)).text()
      expect(text).toMatch(
        /hookguard_deliveries_total\{scheme="hookguard",code="RECEIVED",status="200"\} 1\n/,
      )
      expect(text).toMatch(
        /hookguard_handler_runs_total\{type="order.created",result="error"\} 1\n/,
      )
      expect(text).toMatch(
        /hookguard_handler_runs_total\{type="order.created",result="dead_letter"\} 1\n/,
      )
      expect(text).toMatch(/hookguard_handler_runs_total\{type="order.created",result="ok"\} 1\n/)
      expect(text).toMatch(
        /hookguard_delivery_duration_seconds_count\{scheme="hookguard",code="RECEIVED"\} 1\n/,
      )
    })
  },
)
