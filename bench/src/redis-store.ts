import { randomBytes } from 'node:crypto'
import { RedisIdempotencyStore } from '@hookguard/redis'
import { Redis } from 'ioredis'
import { type Budget, median, pairedRatio } from './measure.js'
import { formatCount, formatRatio, type Row, type Section } from './report.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0'
const CONCURRENCY = 50
const TARGET = 0.8
const LEASE_MS = 30_000
// Short, so keys a crashed run leaves behind expire on their own.
const RETENTION_MS = 10 * 60_000
const FINGERPRINT = randomBytes(32).toString('hex')

interface Run {
  events: number
  seconds: number
  commands: number
}

/** Counts every command the client sends (EVALSHA, EVAL, SET…), whoever sends it. */
function countCommands(redis: Redis): { reset(): number } {
  let count = 0
  const send = redis.sendCommand.bind(redis)
  redis.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    count++
    return send(...args)
  }) as Redis['sendCommand']
  return {
    reset() {
      const seen = count
      count = 0
      return seen
    },
  }
}

/** `CONCURRENCY` loops, each pushing fresh events through `event` until the time is up. */
async function drive(
  seconds: number,
  commands: { reset(): number },
  event: (id: string) => Promise<void>,
): Promise<Run> {
  let next = 0
  let events = 0
  commands.reset()
  const start = performance.now()
  const deadline = start + seconds * 1000
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await event(`evt_${next++}`)
        events++
      }
    }),
  )
  const elapsed = (performance.now() - start) / 1000
  return { events, seconds: elapsed, commands: commands.reset() }
}

/** Calls and microseconds per command so far, from the server's INFO commandstats. */
async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const stats = new Map<string, { calls: number; usec: number }>()
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(line)
    if (match) stats.set(match[1] as string, { calls: Number(match[2]), usec: Number(match[3]) })
  }
  return stats
}

/** Server time per call of `command` between two snapshots. */
function serverTime(
  before: Map<string, { calls: number; usec: number }>,
  after: Map<string, { calls: number; usec: number }>,
  command: string,
): number {
  const a = before.get(command) ?? { calls: 0, usec: 0 }
  const b = after.get(command) ?? { calls: 0, usec: 0 }
  return b.calls > a.calls ? (b.usec - a.usec) / (b.calls - a.calls) : Number.NaN
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: pattern, count: 1000 })) {
    if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]))
  }
}

/** Group 5: `RedisIdempotencyStore` against bare `SET NX PX` + `SET` on the same client. */
export async function benchRedis(budget: Budget): Promise<Section> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  const prefix = `hookguard-bench:${process.pid}:${randomBytes(4).toString('hex')}:`
  try {
    await redis.ping()
    const commands = countCommands(redis)
    let generation = 0
    const store = new RedisIdempotencyStore(redis, { prefix: `${prefix}store:` })
    const variants = {
      store: async (id: string) => {
        const key = `bench:${generation}:${id}`
        const claim = await store.begin(key, { fingerprint: FINGERPRINT, leaseMs: LEASE_MS })
        if (claim.status !== 'acquired') throw new Error(`begin: ${claim.status}`)
        if (!(await store.complete(key, claim.token, { retentionMs: RETENTION_MS }))) {
          throw new Error('complete: lease lost')
        }
      },
      // The least an idempotency store can send: claim with SET NX PX, then mark it done.
      bare: async (id: string) => {
        const key = `${prefix}bare:{bench:${generation}:${id}}`
        if ((await redis.set(key, FINGERPRINT, 'PX', LEASE_MS, 'NX')) !== 'OK') {
          throw new Error('SET NX: not acquired')
        }
        await redis.set(key, `completed:${FINGERPRINT}`, 'PX', RETENTION_MS)
      },
    }
    type Variant = keyof typeof variants
    const runs: Record<Variant, Run[]> = { store: [], bare: [] }
    // Server-side time of the commands each variant sends (the Redis may serve other clients
    // too; their share of these commands is small during a run).
    const serverUs: Record<Variant, number[]> = { store: [], bare: [] }
    const once = async (variant: Variant, seconds: number) => {
      generation++
      const before = await commandStats(redis)
      const run = await drive(seconds, commands, variants[variant])
      const after = await commandStats(redis)
      serverUs[variant].push(serverTime(before, after, variant === 'store' ? 'evalsha' : 'set'))
      await deleteKeys(redis, `${prefix}*`)
      return run
    }
    // Loads the scripts (EVALSHA falls back to EVAL once) and warms the connection.
    for (const variant of ['store', 'bare'] as const) await once(variant, budget.redisSeconds / 2)
    for (let round = 0; round < budget.rounds; round++) {
      const order: Variant[] = round % 2 === 0 ? ['store', 'bare'] : ['bare', 'store']
      for (const variant of order) runs[variant].push(await once(variant, budget.redisSeconds))
    }
    const rate = (run: Run) => run.events / run.seconds
    const trips = (list: Run[]) =>
      list.reduce((sum, r) => sum + r.commands, 0) / list.reduce((sum, r) => sum + r.events, 0)
    const ratio = pairedRatio(runs.store.map(rate), runs.bare.map(rate))
    const info = await redis.info('server')
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown'
    const rows: Row[] = [
      {
        case: `begin + complete, concurrency ${CONCURRENCY}`,
        hookguard: `${formatCount(median(runs.store.map(rate)))} events/s, ${trips(runs.store).toFixed(2)} round trips/event`,
        baseline: 'SET NX PX + SET, same client',
        baselineValue: `${formatCount(median(runs.bare.map(rate)))} events/s, ${trips(runs.bare).toFixed(2)} round trips/event`,
        ratio: formatRatio(ratio, 'events/s'),
        target: `>= ${TARGET}x events/s`,
        met: ratio.median >= TARGET,
      },
    ]
    return {
      title: '5. RedisIdempotencyStore against bare commands',
      method:
        `Redis ${version} at ${REDIS_URL.replace(/\/\/[^@]*@/, '//')} over loopback, one ioredis ` +
        `client, ${CONCURRENCY} concurrent loops each pushing fresh event ids through ` +
        '`store.begin()` then `store.complete()` (two Lua scripts, EVALSHA) or through the bare ' +
        '`SET key fp PX lease NX` then `SET key done PX retention` on the same client, ' +
        `${budget.redisSeconds} s per run, a warm-up run each, ${budget.rounds} rounds ` +
        'alternating which goes first, keys under a unique prefix deleted after every run. ' +
        'Round trips are the commands the client sent (counted on `sendCommand`) per event. ' +
        'Ratio = median of the per-round ratios.',
      rows,
      notes: [
        `Redis server time per command (INFO commandstats, median over runs): EVALSHA (one ` +
          `transition script) ${median(serverUs.store).toFixed(2)} µs, SET ` +
          `${median(serverUs.bare).toFixed(2)} µs.`,
      ],
    }
  } finally {
    await deleteKeys(redis, `${prefix}*`).catch(() => {})
    redis.disconnect()
  }
}
