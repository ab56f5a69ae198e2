/**
 * `pnpm stress`: every adapter (Express, Fastify, Hono, node:http, Web) over real loopback sockets,
 * with the memory and the Redis store, under the mutated-request fuzz, slow clients, oversized
 * bodies and a sustained valid load with 30 % duplicates. Servers run in child processes, so a
 * crash is observed, not fatal. Prints one table and exits 1 when an invariant broke: a crash or
 * unhandled rejection, an event run twice or an acknowledged one not run once, a hung request, a
 * 5xx other than the documented 503/500, a 413 the sender could not read, or the secret in a
 * response or a log line.
 *
 *   npx --yes pnpm@10 stress            # full: 3,000 mutated requests per receiver, ~6.5 min
 *   npx --yes pnpm@10 stress --short    # what CI runs (or HOOKGUARD_STRESS=short)
 *   … --only express,hono  --stores memory  --scenarios fuzz,load  --seed 42
 *
 * Redis: REDIS_URL (default redis://127.0.0.1:6379/9); keys under `hookguard-stress:<pid>:…`,
 * deleted at the end. Without a Redis the Redis rows are skipped, unless HOOKGUARD_REQUIRE_REDIS=1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  DEFAULT_REDIS_URL,
  deleteKeys,
  redactUrl,
  redisAnswers,
} from '@hookguard/test-kit/redis-scripts'
import { SECRET } from '@hookguard/test-kit/scripts'
import { Redis } from 'ioredis'
import { type ServerProcess, startServerProcess } from './child.js'
import { fuzz } from './fuzz.js'
import { load } from './load.js'
import { oversized } from './oversized.js'
import { FULL, type Plan, SHORT } from './plan.js'
import { ADAPTERS, type AdapterName, type ServerSpec, STORES, type StoreName } from './protocol.js'
import { seeded } from './random.js'
import type { ScenarioContext } from './scenario.js'
import { slow } from './slow.js'
import { type Row, renderTable } from './table.js'
import { checkRuns, newTally } from './tally.js'

const SCENARIOS = { fuzz, slow, oversized, load } as const
type ScenarioName = keyof typeof SCENARIOS
/** Scenarios whose requests never reach the store. */
const STORE_FREE = new Set<ScenarioName>(['slow', 'oversized'])
const SETTLE_MS = 15_000

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: process.env.HOOKGUARD_STRESS === 'short' },
    only: { type: 'string' },
    stores: { type: 'string' },
    scenarios: { type: 'string' },
    seed: { type: 'string' },
  },
})

function list<T extends string>(given: string | undefined, all: readonly T[], what: string): T[] {
  if (given === undefined) return [...all]
  const names = given.split(',') as T[]
  const unknown = names.filter((name) => !all.includes(name))
  if (unknown.length > 0)
    throw new Error(`unknown ${what}: ${unknown.join(', ')} (one of ${all.join(', ')})`)
  return names
}

const plan: Plan = values.short ? SHORT : FULL
const adapters = list<AdapterName>(values.only, ADAPTERS, 'adapter')
const scenarios = list<ScenarioName>(
  values.scenarios,
  Object.keys(SCENARIOS) as ScenarioName[],
  'scenario',
)
let stores = list<StoreName>(values.stores, STORES, 'store')
const seed = Number(values.seed ?? Date.now() % 1_000_000)
const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL
const prefix = `hookguard-stress:${process.pid}:`
const skipped: string[] = []
const problems: string[] = []

if (stores.includes('redis') && !(await redisAnswers(redisUrl))) {
  const why = `no Redis answers at ${redactUrl(redisUrl)}`
  if (process.env.HOOKGUARD_REQUIRE_REDIS === '1') {
    console.error(`stress: ${why} (HOOKGUARD_REQUIRE_REDIS=1)`)
    process.exit(1)
  }
  skipped.push(`the Redis store (${why}; set REDIS_URL)`)
  stores = stores.filter((store) => store !== 'redis')
}

// The oversized bodies, in memory for the Node clients and on disk for curl.
const dir = mkdtempSync(join(tmpdir(), 'hookguard-stress-'))
const bodies = new Map(plan.oversized.sizes.map((size) => [size, Buffer.alloc(size, 0x61)]))
const files = new Map(plan.oversized.sizes.map((size) => [size, join(dir, `body-${size}`)]))
for (const [size, file] of files) writeFileSync(file, bodies.get(size) as Buffer)

/** Which receivers share a server process: one each, or (short) all of them. */
const receivers: ServerSpec[] = adapters.flatMap((adapter) =>
  stores.map((store) => ({ adapter, store })),
)
const groups: ServerSpec[][] = plan.processes === 'one' ? [receivers] : receivers.map((r) => [r])

console.log(
  `stress (${plan.name}, seed ${seed}): ${adapters.join(', ')} × ${stores.join(', ')} × ${scenarios.join(', ')}`,
)
const rows: Row[] = []

async function startGroup(group: ServerSpec[]): Promise<ServerProcess> {
  return startServerProcess({
    servers: group,
    secret: SECRET,
    redisUrl,
    prefix,
    bodyTimeoutMs: plan.bodyTimeoutMs,
    handlerMaxMs: 5,
  })
}

/** Waits until the receiver's handler runs have all finished (bounded), then takes its stats. */
async function settle(server: ServerProcess, index: number) {
  const until = performance.now() + SETTLE_MS
  for (;;) {
    const stats = await server.stats(index, false)
    if (stats.inflight === 0 || performance.now() > until) return server.stats(index, true)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const short = (fault: string) => `fault: ${fault.split('\n').slice(0, 4).join(' | ')}`

/** Runs one scenario against one receiver of `server` and fills its row. */
async function runRow(server: ServerProcess, index: number, row: Row): Promise<void> {
  const faultsBefore = server.faults.length
  const tally = row.tally
  try {
    row.rssBefore = (await server.stats(index, true)).rss
    const ctx: ScenarioContext = {
      url: server.urls[index] as string,
      secret: SECRET,
      plan,
      // One stream per scenario from the seed: every receiver gets the same mutations.
      rng: seeded(seed * 16 + Object.keys(SCENARIOS).indexOf(row.scenario)),
      label: `${row.adapter}-${row.store}-${row.scenario}-${seed}`,
      files,
      bodies,
      serverTiming: () => server.timing(index),
    }
    row.tally = await SCENARIOS[row.scenario as ScenarioName](ctx)
    const after = await settle(server, index)
    row.rssAfter = after.rss
    row.runs = checkRuns(row.tally, after)
    if (after.secretLeaks > 0)
      row.tally.violations.push(`the secret in ${after.secretLeaks} log lines`)
    if (after.polluted) row.tally.violations.push('Object.prototype was polluted')
    const logs = Object.entries(after.logs).map(([key, n]) => `${key}×${n}`)
    if (logs.length > 0) row.tally.notes.push(`log: ${logs.join(' ')}`)
    row.tally.notes.push(...after.samples)
  } catch (error) {
    if (row.tally === tally) row.tally.notes.push('the scenario did not finish')
    row.tally.violations.push(`the run failed: ${error instanceof Error ? error.message : error}`)
  } finally {
    const faults = server.faults.slice(faultsBefore)
    row.faults = faults.length
    row.tally.violations.push(...faults.map(short))
  }
}

for (const group of groups) {
  let server: ServerProcess | undefined
  for (const [index, spec] of group.entries()) {
    for (const scenario of scenarios) {
      if (plan.storeFreeOnMemoryOnly && STORE_FREE.has(scenario) && spec.store !== 'memory')
        continue
      const row: Row = {
        ...spec,
        scenario,
        tally: newTally(),
        rssBefore: 0,
        rssAfter: 0,
        runs: '-',
        faults: 0,
      }
      rows.push(row)
      const rowStarted = performance.now()
      if (!server?.alive()) {
        try {
          server = await startGroup(group)
        } catch (error) {
          row.faults = 1
          row.tally.violations.push(
            `could not start: ${error instanceof Error ? error.message : error}`,
          )
          server = undefined
        }
      }
      if (server) await runRow(server, index, row)
      // A process that died or stopped answering is replaced for the next row.
      if (
        server &&
        (!server.alive() || row.tally.violations.some((v) => v.startsWith('the run failed')))
      ) {
        await server.stop()
        server = undefined
      }
      for (const violation of row.tally.violations) {
        problems.push(`${spec.adapter}/${spec.store}/${scenario}: ${violation}`)
      }
      const mark =
        row.tally.violations.length === 0 ? 'ok' : `${row.tally.violations.length} broken`
      const took = ((performance.now() - rowStarted) / 1000).toFixed(1)
      console.log(
        `  ${spec.adapter} ${spec.store} ${scenario}: ${row.tally.requests} requests in ${took} s, ${mark}`,
      )
    }
  }
  await server?.stop()
}

if (stores.includes('redis')) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  await deleteKeys(redis, prefix)
  await redis.quit()
}
rmSync(dir, { recursive: true, force: true })

console.log(`\n${renderTable(rows)}\n`)
// From the process's start: tsx's startup and the imports count too.
const seconds = process.uptime().toFixed(1)
for (const skip of skipped) console.log(`skipped: ${skip}`)
if (problems.length > 0) {
  console.log(`\n${problems.length} invariant(s) broke (seed ${seed}):`)
  for (const problem of problems.slice(0, 50)) console.log(`  - ${problem}`)
  if (problems.length > 50) console.log(`  … and ${problems.length - 50} more`)
  console.log(`\nstress: FAILED in ${seconds} s`)
  process.exit(1)
}
console.log(`stress: every invariant held (${rows.length} rows, ${seconds} s)`)
process.exit(0)
