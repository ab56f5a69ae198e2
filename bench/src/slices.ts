import type { ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { CONNECTIONS, serverCpu } from './load.js'
import type { Budget } from './measure.js'

/** One route's slices, in order: what the server answered and the CPU it spent in each. */
export interface Slices {
  rps: number[]
  /** Server CPU (user + system) per answered request, in microseconds. */
  cpu: number[]
}

export interface SliceRun<R extends string> {
  port: number
  child: ChildProcess
  /** The two routes to compare; slices alternate between them, the first one first. */
  routes: readonly [R, R]
  /** A request body and headers for `route` (called once per request). */
  request(route: R): { body: string; headers: Record<string, string> }
  /** How long the slices are and how many each route gets (after a warm-up slice each). */
  budget: Budget
}

/**
 * One autocannon run whose requests switch between two routes every `sliceMs`, with the server's
 * CPU read at every switch: the two routes are measured in alternating slices a fraction of a
 * second apart, so a neighbour's load on a shared machine (which moves a server's speed by 2x
 * over seconds) falls on both alike, and slice i of one route pairs with slice i of the other.
 * A request still in flight at a switch counts in the next slice (at most `CONNECTIONS` of the
 * thousands in a slice). Anything but a 200 throws.
 */
export async function pairedSlices<R extends string>(run: SliceRun<R>): Promise<Record<R, Slices>> {
  const [first, second] = run.routes
  const ms = sliceMs(run.budget)
  const count = slicesPerRoute(run.budget)
  let route = first
  let answered = 0
  let refused = 0
  let finished!: (error: Error | null) => void
  const done = new Promise<void>((resolve, reject) => {
    finished = (error) => (error ? reject(error) : resolve())
  })
  // The callback form returns the running instance (the promise form would hide it).
  const instance = autocannon(
    {
      url: `http://127.0.0.1:${run.port}`,
      connections: CONNECTIONS,
      pipelining: 1,
      // Stopped once the last slice ends; the duration is only a bound.
      duration: ((count + 1) * 2 * ms) / 1000 + 30,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({ ...request, path: `/${route}`, ...run.request(route) }),
        },
      ],
    },
    (error) => finished(error),
  )
  instance.on('response', (_client, status) => {
    if (status === 200) answered++
    else refused++
  })
  const slices = {
    [first]: { rps: [], cpu: [] },
    [second]: { rps: [], cpu: [] },
  } as unknown as Record<R, Slices>
  try {
    for (let i = 0; i < (count + 1) * 2; i++) {
      route = i % 2 === 0 ? first : second
      const cpuBefore = await serverCpu(run.child)
      const answeredBefore = answered
      const started = performance.now()
      await sleep(ms)
      const cpu = (await serverCpu(run.child)) - cpuBefore
      const answers = answered - answeredBefore
      const seconds = (performance.now() - started) / 1000
      if (refused > 0) throw new Error(`${route}: ${refused} answers other than 200`)
      if (answers === 0) throw new Error(`${route}: no answer in a ${ms} ms slice`)
      // The first slice of each route warms it up.
      if (i < 2) continue
      slices[route].rps.push(answers / seconds)
      slices[route].cpu.push(cpu / answers)
    }
  } finally {
    instance.stop()
    await done
  }
  return slices
}

/** Slice length: long enough for thousands of requests, short enough to move with the machine. */
const sliceMs = (budget: Budget): number => (budget.smoke ? 100 : 250)

const slicesPerRoute = (budget: Budget): number =>
  Math.max(1, Math.round((budget.sliceSeconds * 1000) / sliceMs(budget)))

/** How `pairedSlices` measures, for a group's method paragraph. */
export function sliceMethod(budget: Budget): string {
  return (
    `One autocannon run in the parent, ${CONNECTIONS} connections, no pipelining, its requests ` +
    `switching route every ${sliceMs(budget)} ms: ${slicesPerRoute(budget)} slice(s) per route ` +
    "after a warm-up slice each, the server's CPU (`process.cpuUsage()` in the child) read at " +
    'every switch. Slices a fraction of a second apart see the same neighbours on a shared ' +
    'machine, which move a server by up to 2x over seconds (runs of a few seconds each spread ' +
    'these ratios over 0.55–1.56). Ratio = median over the pairs of adjacent slices, with the ' +
    'middle half of the pairs in brackets; any answer other than 200 aborts the benchmark.'
  )
}
