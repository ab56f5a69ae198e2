import { randomBytes } from 'node:crypto'
import { createInbox, createWorker } from '@hookguard/bullmq'
import { inboxEntry } from '@hookguard/test-kit/inbox'
import { Redis } from 'ioredis'
import { type Budget, median } from './measure.js'
import { formatCount, type Row, type Section } from './report.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0'

function connection() {
  const url = new URL(REDIS_URL)
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  }
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: pattern, count: 1000 })) {
    if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]))
  }
}

/** The `i`th event as the receiver hands it to the inbox. */
const event = (i: number) => inboxEntry({ id: `evt_${i}` })

/** Commands the inbox's client sends per accepted event (each awaited: one round trip each). */
async function roundTripsPerEvent(events: number): Promise<number> {
  const prefix = `{hookguard-bench-${process.pid}-${randomBytes(4).toString('hex')}}`
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  let commands = 0
  const send = client.sendCommand.bind(client)
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    commands++
    return send(...args)
  }) as Redis['sendCommand']
  const inbox = createInbox({ connection: client, prefix })
  try {
    // Start-up (version check, script loading) is not per event.
    await inbox.accept(event(-1))
    commands = 0
    for (let i = 0; i < events; i++) {
      if ((await inbox.accept(event(i))).status !== 'accepted') throw new Error('not accepted')
    }
    return commands / events
  } finally {
    await inbox.close()
    await deleteKeys(client, `${prefix}*`)
    await client.quit()
  }
}

/** Jobs per second one worker process completes with a no-op handler, the queue filled first. */
async function throughput(concurrency: number, events: number): Promise<number> {
  const prefix = `{hookguard-bench-${process.pid}-${randomBytes(4).toString('hex')}}`
  const inbox = createInbox({ connection: connection(), prefix })
  const redis = new Redis(REDIS_URL)
  try {
    const adds: Array<Promise<unknown>> = []
    for (let i = 0; i < events; i++) {
      adds.push(inbox.accept(event(i)))
      if (adds.length >= 200) await Promise.all(adds.splice(0))
    }
    await Promise.all(adds)
    let done = 0
    let finished: () => void = () => {}
    const all = new Promise<void>((resolve) => {
      finished = resolve
    })
    const started = performance.now()
    const worker = createWorker({
      connection: connection(),
      prefix,
      concurrency,
      on: {
        '*': () => {
          if (++done === events) finished()
        },
      },
    })
    await all
    const seconds = (performance.now() - started) / 1000
    await worker.close()
    return events / seconds
  } finally {
    await inbox.close()
    await deleteKeys(redis, `${prefix}*`)
    await redis.quit()
  }
}

/** Worker throughput for a no-op handler at concurrency 1 and 50. */
export async function benchBullmqWorker(budget: Budget): Promise<Section> {
  const events = budget.smoke ? 200 : 5000
  const rounds = budget.smoke ? 1 : 3
  const trips = await roundTripsPerEvent(budget.smoke ? 50 : 1000)
  const rows: Row[] = [
    {
      case: 'inbox.accept of a new event: Redis round trips',
      hookguard: `${trips.toFixed(2)} per event`,
    },
  ]
  for (const concurrency of [1, 50]) {
    const rates: number[] = []
    for (let round = 0; round < rounds; round++) rates.push(await throughput(concurrency, events))
    rows.push({
      case: `no-op handler, concurrency ${concurrency}`,
      hookguard: `${formatCount(median(rates))} events/s`,
    })
  }
  return {
    title: "Durable mode: the inbox's Redis round trips, and a BullMQ worker draining it",
    method:
      `Round trips: every command the inbox's ioredis client sends, counted at the client, over ` +
      `fresh events accepted one after another (start-up excluded). Throughput: ${events} events are added through \`inbox.accept\`, then one \`createWorker\` in the ` +
      `bench process runs a no-op handler for each; events per second from the worker's start ` +
      `to the last handler call, median of ${rounds} runs. Each job costs BullMQ's own round ` +
      `trips (fetch-and-lock, complete-and-fetch-next), which concurrency overlaps.`,
    rows,
    notes: [],
  }
}
