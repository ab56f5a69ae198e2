import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInbox, createWorker } from '@hookguard/bullmq'
import { webhook } from '@hookguard/express'
import { findRedisServer, type RedisServer, startRedisServer } from '@hookguard/test-kit/redis'
import express from 'express'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { sendAll } from './support/durable-processes.js'

// Redis killed (SIGKILL) and restarted under load, with AOF on: a redis-server of this test's own
// in a temporary directory, never the shared one. While it is down the receiver answers 503 (and
// acknowledges nothing); every event it acknowledged, before or after, is still in the queue
// after the restart. No worker runs until Redis is back, so each event a worker finishes at the
// end was read from what Redis persisted.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 30_000 })

const EVENTS = 300
const SECRET = 'whsec_redis_restart'
const quiet = { warn() {}, error() {} }
const cleanup: Array<() => Promise<unknown>> = []
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {})
})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(findRedisServer() === undefined)('Redis restarted under load (AOF on)', () => {
  it('keeps every acknowledged event and answers 503 while Redis is down', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookguard-aof-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const args = ['--appendonly', 'yes', '--dir', dir]
    let redis: RedisServer = await startRedisServer({ args })
    cleanup.push(() => redis.stop())
    const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }
    const prefix = `{hg-aof-${randomBytes(3).toString('hex')}}`

    const inbox = createInbox({ connection, prefix, timeoutMs: 500, logger: quiet })
    const hook = webhook({ secret: SECRET, inbox, logger: quiet })
    const app = express()
    app.post('/webhooks', hook)
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    cleanup.push(async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await hook.close({ timeoutMs: 0 })
    })
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    const answers: Array<{ status: number | 'error'; sentAt: number; at: number }> = []
    let outage = { from: 0, to: 0 }
    const restart = (async () => {
      await sleep(1500)
      await redis.stop('SIGKILL')
      const from = Date.now()
      await sleep(2000)
      const to = Date.now()
      redis = await startRedisServer({ port: redis.port, args })
      outage = { from, to }
    })()
    const ids = Array.from({ length: EVENTS }, (_, n) => `evt_aof_${prefix}_${n}`)
    const deliveries = await sendAll({
      url: () => url,
      secret: SECRET,
      ids,
      lanes: 10,
      gapMs: 80,
      onAnswer: (answer) => answers.push(answer),
    })
    await restart
    expect(deliveries).toHaveLength(EVENTS)

    // Sent after Redis died and answered before it came back: all 503, none acknowledged.
    const during = answers.filter((a) => a.sentAt >= outage.from && a.at <= outage.to)
    expect(during.length).toBeGreaterThan(0)
    expect(new Set(during.map((a) => a.status))).toEqual(new Set([503]))
    const ackedBefore = answers.filter((a) => a.status === 200 && a.at <= outage.from).length
    expect(ackedBefore).toBeGreaterThan(0)

    // Only now a worker: everything it runs came back from the AOF or was added after.
    const ran = new Set<string>()
    const worker = createWorker({
      connection,
      prefix,
      concurrency: 20,
      logger: quiet,
      on: { '*': (_event, { id }) => void ran.add(id) },
    })
    cleanup.push(() => worker.close())
    const deadline = Date.now() + 30_000
    while (ran.size < EVENTS && Date.now() < deadline) await sleep(100)
    expect(ids.filter((id) => !ran.has(id))).toEqual([])
    console.log(
      `Redis restart: ${JSON.stringify({ events: EVENTS, ackedBeforeKill: ackedBefore, answeredDuringOutage: during.length, outageMs: outage.to - outage.from, lost: 0 })}`,
    )
  })
})
