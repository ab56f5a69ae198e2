import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type autocannon from 'autocannon'
import { Redis } from 'ioredis'
import { secrets, signedNow } from './fixtures.js'
import { CONNECTIONS, measureLoad } from './load.js'
import { type Budget, median, pairedRatio } from './measure.js'
import { formatCount, formatRatio, type Row, type Section } from './report.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0'
const TARGET = 0.8
const ROUTES = ['inbox', 'store'] as const
type Route = (typeof ROUTES)[number]

/** A ~1 KiB event whose id is `id`, signed now with the default scheme (node:crypto, sync). */
function signedEvent(id: string): { body: string; headers: Record<string, string> } {
  return signedNow(
    JSON.stringify({
      id,
      type: 'order.created',
      created: 1_764_331_200,
      data: { object: { id: 'ord_1', pad: 'x'.repeat(900) } },
    }),
  )
}

let next = 0
/** autocannon with a new event on every request: each one is an accepted add or claim. */
async function load(port: number, route: Route, seconds: number): Promise<number> {
  const run = randomBytes(3).toString('hex')
  const requests = [
    {
      method: 'POST' as const,
      path: `/${route}`,
      setupRequest: (request: autocannon.Request) => ({
        ...request,
        ...signedEvent(`evt_${run}_${next++}`),
      }),
    },
  ]
  return measureLoad({ port, requests, seconds, label: route })
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: pattern, count: 1000 })) {
    if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]))
  }
}

/** The durable inbox's add + answer against RedisIdempotencyStore with `ack: 'before'`. */
export async function benchInboxHttp(budget: Budget): Promise<Section> {
  const prefix = `hookguard-bench-inbox-${process.pid}-${randomBytes(3).toString('hex')}`
  const child: ChildProcess = fork(fileURLToPath(new URL('./inbox-server.ts', import.meta.url)), [
    secrets.hookguard,
    REDIS_URL,
    prefix,
  ])
  const redis = new Redis(REDIS_URL)
  try {
    const [{ port }] = (await once(child, 'message')) as [{ port: number }]
    const seconds = budget.httpSeconds
    for (const route of ROUTES) await load(port, route, seconds / 2)
    const rps: Record<Route, number[]> = { inbox: [], store: [] }
    for (let round = 0; round < budget.rounds; round++) {
      const order = round % 2 === 0 ? ROUTES : [...ROUTES].reverse()
      for (const route of order) rps[route].push(await load(port, route, seconds))
    }
    const ratio = pairedRatio(rps.inbox, rps.store)
    const rows: Row[] = [
      {
        case: 'Express 5, a new ~1 KiB event per request, accepted and answered 200',
        hookguard: `${formatCount(median(rps.inbox))} req/s (inbox)`,
        baseline: "RedisIdempotencyStore, ack: 'before', no-op handler",
        baselineValue: `${formatCount(median(rps.store))} req/s`,
        ratio: formatRatio(ratio, 'req/s'),
        target: `>= ${TARGET}x req/s`,
        met: ratio.median >= TARGET,
      },
    ]
    return {
      title: "Durable mode: the inbox's add + answer against the in-process Redis store",
      method:
        `One Express app in a child process with the same adapter on two routes: \`inbox\` ` +
        `(\`createInbox\`: one BullMQ add, one Redis round trip, before the 200) and \`store\` ` +
        `(\`RedisIdempotencyStore\`, \`ack: 'before'\`: begin before the 200, then a no-op ` +
        `handler and complete after it: two round trips). autocannon in the parent, ` +
        `${CONNECTIONS} connections, a freshly signed event with a new id on every request (so ` +
        `every request is an accepted event, never a duplicate), ${seconds} s per run, a warm-up ` +
        `run per route, then ${budget.rounds} rounds alternating which route goes first; ratio = ` +
        `median of the per-round ratios. Redis on the same machine.`,
      rows,
      notes: [],
    }
  } finally {
    child.kill()
    await deleteKeys(redis, `*${prefix}*`)
    await redis.quit()
  }
}
