import { randomUUID } from 'node:crypto'
import type { BullInbox } from '@hookguard/bullmq'
import { createInbox, createWorker, type InboxWorker } from '@hookguard/bullmq'
import type { HandlerContext } from '@hookguard/core'
import { NOW, SECRET, signGithub, signSlack, slackForm } from '@hookguard/test-kit'
import { connect, deleteKeys, describeRedis } from '@hookguard/test-kit/redis'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import { redisOptions, testPrefix, waitFor } from '../packages/bullmq/src/test-helpers.js'
import { adapters, type RunningApp } from './support/adapters.js'

// The durable path end to end: a sender's signed delivery over a socket into each real adapter,
// stored by a real BullMQ inbox, run by a real worker. Form-encoded bodies (Slack slash commands
// and interactivity, GitHub's form content type) must reach the handler parsed as the receiver
// parsed them, which needs the stored Content-Type.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

let redis: Redis
const prefixes: string[] = []
const open: Array<BullInbox | InboxWorker | RunningApp> = []
const quiet = { warn() {}, error() {} }

beforeAll(() => {
  redis = connect()
})
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close()
})
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeys(redis, prefix)
  await redis.quit()
})

type Run = { event: unknown; context: Omit<HandlerContext, 'signal'> }

async function durable(
  start: (typeof adapters)[number][1],
  scheme: 'slack' | 'github',
): Promise<{ url: string; box: BullInbox; runs: Run[] }> {
  const prefix = testPrefix('e2e')
  prefixes.push(prefix)
  const box = createInbox({ connection: redisOptions(), prefix, logger: quiet })
  open.push(box)
  const runs: Run[] = []
  open.push(
    createWorker({
      connection: redisOptions(),
      prefix,
      logger: quiet,
      on: { '*': (event, { signal: _signal, ...context }) => void runs.push({ event, context }) },
    }),
  )
  const app = await start({ secret: SECRET, scheme, now: NOW, inbox: box, logger: quiet }, SECRET)
  open.push(app)
  return { url: app.url, box, runs }
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${url}/webhooks`, { method: 'POST', body, headers })
  return { status: response.status, body: await response.json() }
}

describeRedis.each(adapters)(
  'form-encoded deliveries through %s, a BullMQ inbox and a worker',
  (_name, start) => {
    it('Slack slash commands and interactive payloads reach the handler as the receiver parsed them', async () => {
      const { url, box, runs } = await durable(start, 'slack')
      const trigger = `t_${randomUUID()}`
      const command = slackForm({ command: '/deploy', text: 'api v2', trigger_id: trigger })
      const click = slackForm({
        payload: { type: 'block_actions', trigger_id: `${trigger}_b`, actions: [{ value: 'ok' }] },
      })
      for (const body of [command, click]) {
        const headers = signSlack(body)
        expect(headers['content-type']).toBe('application/x-www-form-urlencoded')
        expect(await post(url, body, headers)).toEqual({ status: 200, body: { received: true } })
      }
      await waitFor(() => runs.length === 2, 30_000, 'both handler runs')
      expect(runs).toContainEqual({
        event: { command: '/deploy', text: 'api v2', trigger_id: trigger },
        context: { id: trigger, type: 'slash_command.deploy', attempt: 1 },
      })
      expect(runs).toContainEqual({
        event: {
          payload: {
            type: 'block_actions',
            trigger_id: `${trigger}_b`,
            actions: [{ value: 'ok' }],
          },
        },
        context: { id: `${trigger}_b`, type: 'block_actions', attempt: 1 },
      })
      // The job keeps the content type and nothing that could sign a request.
      await waitFor(async () => (await box.queue.getCompletedCount()) === 2)
      const jobs = await box.queue.getCompleted()
      expect(jobs.map((job) => job.data.contentType)).toEqual([
        'application/x-www-form-urlencoded',
        'application/x-www-form-urlencoded',
      ])
      const stored = JSON.stringify(jobs.map((job) => job.data))
      expect(stored).not.toContain(SECRET)
      expect(stored).not.toMatch(/v0=|x-slack-signature/i)
      expect(await box.deadLetters()).toEqual([])
    })

    it('a GitHub delivery sent as application/x-www-form-urlencoded runs its handler', async () => {
      const { url, box, runs } = await durable(start, 'github')
      const delivery = randomUUID()
      const event = { action: 'opened', issue: { number: 7, title: 'a & b = c' } }
      const body = `payload=${encodeURIComponent(JSON.stringify(event))}`
      const headers = {
        ...signGithub(body, { event: 'issues', id: delivery }),
        'content-type': 'application/x-www-form-urlencoded',
      }
      expect(await post(url, body, headers)).toEqual({ status: 200, body: { received: true } })
      await waitFor(() => runs.length === 1, 30_000, 'the handler run')
      expect(runs).toEqual([
        { event, context: { id: delivery, type: 'issues.opened', attempt: 1 } },
      ])
      await waitFor(async () => (await box.queue.getCompletedCount()) === 1)
      const [job] = await box.queue.getCompleted()
      expect(job?.data.contentType).toBe('application/x-www-form-urlencoded')
      expect(JSON.stringify(job?.data)).not.toMatch(/sha256=|x-hub-signature/i)
      expect(await box.deadLetters()).toEqual([])
    })
  },
)
