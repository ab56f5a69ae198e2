import type { ServerStats } from './protocol.js'

/** What one scenario did against one receiver, as the table shows it. */
export interface Tally {
  requests: number
  /** Answers by status code, or what came instead (`reset`, `hung`, an error code). */
  answers: Map<string, number>
  /** Milliseconds per request (per attempt, for senders that retry). */
  latencies: number[]
  /** Event ids the senders got a 200 for: each must have run exactly once. */
  acked: Set<string>
  notes: string[]
  violations: string[]
}

export function newTally(): Tally {
  return {
    requests: 0,
    answers: new Map(),
    latencies: [],
    acked: new Set(),
    notes: [],
    violations: [],
  }
}

// The 5xx answers hookguard documents: 503 (busy, store unavailable or full, shutting down; with
// Retry-After) and 500 for a body something else consumed or a handler that failed (ack: 'after').
const DOCUMENTED_500 = new Set(['RAW_BODY_UNAVAILABLE', 'HANDLER_FAILED'])

/**
 * Counts one answer and checks what holds for every request: no hung request, no 5xx but the
 * documented ones, and never the secret in a response.
 */
export function record(
  tally: Tally,
  status: number | string,
  ms: number | undefined,
  body: string,
  secret: string,
  what: string,
): void {
  tally.requests++
  const key = String(status)
  tally.answers.set(key, (tally.answers.get(key) ?? 0) + 1)
  if (ms !== undefined && status !== 'hung') tally.latencies.push(ms)
  if (status === 'hung') tally.violations.push(`hung: ${what}`)
  if (typeof status === 'number' && status >= 500) {
    const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(body)?.[1]
    const documented = status === 503 || (status === 500 && DOCUMENTED_500.has(code ?? ''))
    if (!documented) tally.violations.push(`${status} ${code ?? body.slice(0, 80)}: ${what}`)
  }
  if (body.includes(secret)) tally.violations.push(`the secret in a response: ${what}`)
}

/** The p-th percentile (0..100) of `values`, or undefined when there are none. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/**
 * Checks the handler runs a receiver reported against what the senders were told: an id runs at
 * most once, never twice at once, and every acknowledged id exactly once. Returns the table's cell.
 */
export function checkRuns(tally: Tally, stats: ServerStats): string {
  const runs = new Map(stats.runs)
  const twice = stats.runs.filter(([, n]) => n > 1)
  for (const [id, n] of twice.slice(0, 3)) tally.violations.push(`event ${id} ran ${n} times`)
  if (twice.length > 3) tally.violations.push(`… ${twice.length} events ran more than once`)
  if (stats.overlapping > 0)
    tally.violations.push(`${stats.overlapping} runs overlapped another run of their id`)
  const lost = [...tally.acked].filter((id) => runs.get(id) !== 1)
  for (const id of lost.slice(0, 3))
    tally.violations.push(`acknowledged ${id} ran ${runs.get(id) ?? 0} times`)
  if (lost.length > 3)
    tally.violations.push(`… ${lost.length} acknowledged events did not run once`)
  if (stats.inflight > 0) tally.violations.push(`${stats.inflight} handler runs never finished`)
  if (tally.acked.size > 0) {
    const ok = tally.acked.size - lost.length
    return lost.length === 0 && twice.length === 0
      ? `1 (${ok.toLocaleString('en-US')} acked)`
      : `${ok}/${tally.acked.size} acked ran once, ${twice.length} twice`
  }
  return twice.length === 0 ? `≤1 (${stats.runs.length} ran)` : `${twice.length} ran twice`
}
