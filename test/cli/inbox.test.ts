// `hookguard inbox list|replay` through the installed binary, against a real BullMQ inbox in Redis.
import { randomBytes } from 'node:crypto'
import { type BullInbox, createInbox, createWorker, type InboxWorker } from '@hookguard/bullmq'
import { inboxEntry } from '@hookguard/test-kit/inbox'
import {
  connect,
  deleteKeys,
  describeRedis,
  redisAddress,
  redisUrl,
} from '@hookguard/test-kit/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { hookguard } from './run.js'

describeRedis('hookguard inbox', () => {
  const prefix = `{hg-cli-${randomBytes(4).toString('hex')}}`
  const connection = { ...redisAddress(), maxRetriesPerRequest: null }
  const env = { REDIS_URL: redisUrl() }
  const flags = ['--prefix', prefix]
  let redis: Redis
  let inbox: BullInbox
  let worker: InboxWorker
  let failing = true
  const ran: string[] = []

  /** Waits until the inbox holds `n` dead letters. */
  async function deadLettered(n: number): Promise<void> {
    for (let i = 0; i < 600 && (await inbox.deadLetters()).length !== n; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await inbox.deadLetters()).toHaveLength(n)
  }

  beforeAll(async () => {
    redis = connect()
    inbox = createInbox({ connection, prefix })
    worker = createWorker({
      connection,
      prefix,
      retry: { attempts: 1 },
      logger: { warn: () => {}, error: () => {} },
      on: {
        '*': (_event, { id }) => {
          ran.push(id)
          if (failing) throw new Error(`payment provider down for ${id}`)
        },
      },
    })
    for (const id of ['evt_cli_1', 'evt_cli_2']) {
      await inbox.accept(inboxEntry({ id, contentType: 'application/json' }))
    }
    await deadLettered(2)
  }, 60_000)

  afterAll(async () => {
    await worker?.close()
    await inbox?.close()
    await deleteKeys(redis, prefix)
    await redis.quit()
  })

  it('lists the dead letters as a table, and as JSON with --json', async () => {
    const table = await hookguard(['inbox', 'list', ...flags], { env })
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^key\s+type\s+attempts\s+failed at\s+last error/)
    expect(table.stdout).toContain('hookguard:evt_cli_1')
    expect(table.stdout).toContain('payment provider down for evt_cli_2')
    const json = await hookguard(['inbox', 'list', ...flags, '--json'], { env })
    expect(json.code).toBe(0)
    const letters = JSON.parse(json.stdout) as Array<{ key: string; attempts: number }>
    expect(letters.map((l) => l.key).sort()).toEqual(['hookguard:evt_cli_1', 'hookguard:evt_cli_2'])
    expect(letters.every((l) => l.attempts === 1)).toBe(true)
  })

  it('replays one by its key, and says so when the key is not dead-lettered', async () => {
    failing = false
    const replayed = await hookguard(['inbox', 'replay', 'hookguard:evt_cli_1', ...flags], { env })
    expect(replayed).toMatchObject({ code: 0, stdout: 'replayed 1\n' })
    await deadLettered(1)
    expect(ran.filter((id) => id === 'evt_cli_1')).toHaveLength(2)
    const missing = await hookguard(['inbox', 'replay', 'hookguard:evt_nope', ...flags, '--json'], {
      env,
    })
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stdout)).toEqual({ replayed: 0 })
  })

  it('replays everything since a time', async () => {
    const since = new Date(Date.now() - 60_000).toISOString()
    const replayed = await hookguard(['inbox', 'replay', '--since', since, ...flags, '--json'], {
      env,
    })
    expect(replayed.code).toBe(0)
    expect(JSON.parse(replayed.stdout)).toEqual({ replayed: 1 })
    await deadLettered(0)
    expect((await hookguard(['inbox', 'list', ...flags], { env })).stdout).toBe(
      'no dead-lettered events\n',
    )
  })

  it('usage mistakes exit 2 with one line; an unreachable Redis exits 1 naming it', async () => {
    const both = await hookguard(['inbox', 'replay', 'hookguard:x', '--since', '0', ...flags], {
      env,
    })
    expect(both.code).toBe(2)
    expect(both.stderr).toBe('error: give either a key (scheme:id) or --since <time>, not both\n')
    const noRedis = await hookguard(['inbox', 'list'], { env: { REDIS_URL: '' } })
    expect(noRedis).toMatchObject({
      code: 2,
      stderr: 'error: no Redis: pass --redis-url or set REDIS_URL\n',
    })
    const down = await hookguard(['inbox', 'list', '--redis-url', 'redis://127.0.0.1:1/0'])
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(/^error: inbox at 127\.0\.0\.1:1\/0: .*ECONNREFUSED/)
  })
})
