import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import type autocannon from 'autocannon'
import { eventBody, kib, secrets, signedNow } from './fixtures.js'
import { CONNECTIONS, startServer as forkServer, measureLoad } from './load.js'
import { type Budget, median, pairedRatio } from './measure.js'
import type { ProcessingFramework } from './processing-servers.js'
import { formatCount, formatRatio, type Row, type Section } from './report.js'

const TARGET = 0.9
const BODY_BYTES = 1024
const ROUTES = ['process', 'verify'] as const
type Route = (typeof ROUTES)[number]
const ADAPTERS: Array<{ name: ProcessingFramework; label: string }> = [
  { name: 'express', label: 'Express 5' },
  { name: 'fastify', label: 'Fastify 5' },
  { name: 'hono', label: 'Hono 4 on @hono/node-server' },
  { name: 'node', label: 'node:http (@hookguard/node)' },
  { name: 'web', label: 'fetch handler (@hookguard/web) on @hono/node-server' },
]

/** Every id has this many characters, so every body is exactly BODY_BYTES long. */
const ID_LENGTH = 24
const PLACEHOLDER = '#'.repeat(ID_LENGTH)
const [BEFORE_ID, AFTER_ID] = eventBody(BODY_BYTES, PLACEHOLDER).toString().split(PLACEHOLDER) as [
  string,
  string,
]

/** A BODY_BYTES event with this id, signed now with the default scheme. */
function signedEvent(id: string): { body: string; headers: Record<string, string> } {
  return signedNow(`${BEFORE_ID}${id}${AFTER_ID}`)
}

function startServer(framework: ProcessingFramework) {
  const script = new URL('./processing-servers.ts', import.meta.url)
  return forkServer(script, [framework, secrets.hookguard], framework)
}

let next = 0
const run = randomBytes(4).toString('hex')

/** autocannon with a new event (a new id) on every request, to either route. */
function load(child: ChildProcess, port: number, route: Route, seconds: number) {
  const requests = [
    {
      method: 'POST' as const,
      path: `/${route}`,
      setupRequest: (request: autocannon.Request) => ({
        ...request,
        ...signedEvent(`evt_${run}_${String(next++).padStart(ID_LENGTH - 13, '0')}`),
      }),
    },
  ]
  return measureLoad({ port, requests, seconds, label: route, child })
}

/**
 * In-process processing (`on` handlers, MemoryIdempotencyStore, `ack: 'before'`) against the same
 * adapter's verify-only route, over HTTP, per adapter.
 */
export async function benchProcessingHttp(budget: Budget, only?: string): Promise<Section> {
  const rows: Row[] = []
  const notes: string[] = []
  const adapters = ADAPTERS.filter(({ label }) => only === undefined || label.includes(only))
  const seconds = budget.processingSeconds
  for (const { name, label } of adapters) {
    const { child, port } = await startServer(name)
    try {
      // Smoke only checks that every route answers 200: no warm-up.
      if (!budget.smoke) for (const route of ROUTES) await load(child, port, route, seconds / 2)
      const rps: Record<Route, number[]> = { process: [], verify: [] }
      const cpu: Record<Route, number[]> = { process: [], verify: [] }
      for (let round = 0; round < budget.rounds; round++) {
        const order = round % 2 === 0 ? ROUTES : [...ROUTES].reverse()
        for (const route of order) {
          const result = await load(child, port, route, seconds)
          rps[route].push(result.rps)
          cpu[route].push(result.cpu)
        }
      }
      const ratio = pairedRatio(rps.process, rps.verify)
      rows.push({
        case: `${label}, ${kib(BODY_BYTES)}, a new id per request`,
        hookguard: `${formatCount(median(rps.process))} req/s processing`,
        baseline: 'same adapter, verify only',
        baselineValue: `${formatCount(median(rps.verify))} req/s`,
        ratio: formatRatio(ratio, 'req/s'),
        target: `>= ${TARGET}x req/s`,
        met: ratio.median >= TARGET,
      })
      notes.push(
        `${label}: server CPU per request (user + system, median over rounds) ` +
          `${median(cpu.process).toFixed(0)} µs processing, ${median(cpu.verify).toFixed(0)} µs ` +
          `verify only (${pairedRatio(cpu.process, cpu.verify).median.toFixed(2)}x).`,
      )
    } finally {
      child.kill()
    }
  }
  return {
    title: '10. In-process processing over HTTP, against verification only',
    method:
      'Each adapter runs in a child process with two routes: the adapter with `{ secret }` (the ' +
      "route's own handler answers `{ received, id }`) and the same adapter with `on: { '*': " +
      '() => {} }` and a `MemoryIdempotencyStore` (default `ack: ' +
      "'before'`: claim, answer 200 `{ received: true }`, then run the handler and complete). " +
      `autocannon in the parent, ${CONNECTIONS} connections, no pipelining, a ${kib(BODY_BYTES)} ` +
      'event with a new id signed for every request (so every processed request is a new ' +
      `event, never a duplicate), ${seconds} s per run, ` +
      `${budget.smoke ? 'no warm-up' : 'a warm-up run per route'}, then ${budget.rounds} ` +
      'round(s) alternating which route goes first; any non-2xx answer aborts the benchmark. ' +
      'Ratio = median of the per-round ratios; server CPU from `process.cpuUsage()` in the child.',
    rows,
    notes,
  }
}
