import { randomBytes } from 'node:crypto'
import { eventBody, kib, secrets, signedNow } from './fixtures.js'
import { startServer as forkServer } from './load.js'
import { type Budget, median, quartileRatio } from './measure.js'
import type { ProcessingFramework } from './processing-servers.js'
import { formatCount, formatRatio, type Row, type Section } from './report.js'
import { pairedSlices, sliceMethod } from './slices.js'

const TARGET = 0.9
const BODY_BYTES = 1024
const ROUTES = ['process', 'verify'] as const
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

/** A new event (a new id) for every request. */
const newEvent = () => signedEvent(`evt_${run}_${String(next++).padStart(ID_LENGTH - 13, '0')}`)

/**
 * In-process processing (`on` handlers, MemoryIdempotencyStore, `ack: 'before'`) against the same
 * adapter's verify-only route, over HTTP, per adapter.
 */
export async function benchProcessingHttp(budget: Budget, only?: string): Promise<Section> {
  const rows: Row[] = []
  const notes: string[] = []
  const adapters = ADAPTERS.filter(({ label }) => only === undefined || label.includes(only))
  for (const { name, label } of adapters) {
    const { child, port } = await startServer(name)
    try {
      const measured = await pairedSlices({
        port,
        child,
        routes: ROUTES,
        request: newEvent,
        budget,
      })
      const { process: processing, verify } = measured
      const ratio = quartileRatio(processing.rps, verify.rps)
      rows.push({
        case: `${label}, ${kib(BODY_BYTES)}, a new id per request`,
        hookguard: `${formatCount(median(processing.rps))} req/s processing`,
        baseline: 'same adapter, verify only',
        baselineValue: `${formatCount(median(verify.rps))} req/s`,
        ratio: formatRatio(ratio, 'req/s'),
        target: `>= ${TARGET}x req/s`,
        met: ratio.median >= TARGET,
      })
      notes.push(
        `${label}: server CPU per request (user + system, median over slices) ` +
          `${median(processing.cpu).toFixed(0)} µs processing, ${median(verify.cpu).toFixed(0)} µs ` +
          `verify only (${quartileRatio(processing.cpu, verify.cpu).median.toFixed(2)}x).`,
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
      'A new event with a new id signed for every request (so every processed request is a new ' +
      `event, never a duplicate), ${kib(BODY_BYTES)} each. ${sliceMethod(budget)}`,
    rows,
    notes,
  }
}
