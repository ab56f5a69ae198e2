import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { type Budget, median } from './measure.js'
import type { MemoryResult } from './memory-child.js'
import { formatBytes, formatCount, type Row, type Section } from './report.js'

async function runChild(events: number): Promise<MemoryResult> {
  const child = fork(
    fileURLToPath(new URL('./memory-child.ts', import.meta.url)),
    [String(events)],
    {
      execArgv: [...process.execArgv, '--expose-gc'],
    },
  )
  const exited = once(child, 'exit')
  const message = await Promise.race([
    once(child, 'message') as Promise<[MemoryResult]>,
    exited.then(([code]) => {
      throw new Error(`memory benchmark exited with ${code} before reporting`)
    }),
  ])
  await exited
  return message[0]
}

/** Group 6: `MemoryIdempotencyStore` throughput and memory over many events. */
export async function benchMemoryStore(budget: Budget): Promise<Section> {
  const runs: MemoryResult[] = []
  // Fewer repetitions than the micro benchmarks: each run is a million events.
  const repeats = budget.smoke ? 1 : 3
  for (let i = 0; i < repeats; i++) runs.push(await runChild(budget.memoryEvents))
  const rate = median(runs.map((r) => r.events / r.seconds))
  const last = runs[runs.length - 1] as MemoryResult
  const rss = median(runs.map((r) => r.rssDelta))
  const heap = median(runs.map((r) => r.heapDelta))
  const buffers = median(runs.map((r) => r.arrayBuffersDelta))
  const peak = median(runs.map((r) => r.peakRssDelta))
  const rows: Row[] = [
    {
      case: `begin + complete, ${formatCount(budget.memoryEvents)} events, maxEntries 100 000`,
      hookguard: `${formatCount(rate)} events/s`,
    },
    {
      case: 'memory after the run (after GC)',
      hookguard: `heapUsed +${formatBytes(heap)}, array buffers +${formatBytes(buffers)}, RSS +${formatBytes(rss)} (peak RSS +${formatBytes(peak)})`,
    },
    {
      case: 'per entry kept',
      hookguard: `${formatCount((heap + buffers) / last.size)} B (${formatCount(heap / last.size)} of heap, ${formatCount(buffers / last.size)} in array buffers) for ${formatCount(last.size)} entries`,
    },
  ]
  return {
    title: '6. MemoryIdempotencyStore: throughput and memory',
    method:
      'A fresh child process (`--expose-gc`, nothing else loaded but the core) pushes distinct ' +
      'events through `begin()` then `complete()` one after the other (awaited), with keys ' +
      '`hookguard:evt_<n>` and distinct 64-character fingerprints as the processor makes them, ' +
      '72 h retention, `maxEntries` 100 000 (so 90 % of the events are evicted on the way). ' +
      'Memory is `process.memoryUsage()` (`heapUsed`, and `arrayBuffers` for the typed arrays the ' +
      'store keeps its numbers and fingerprints in) after a full GC, minus the same before the store was ' +
      `created; peak RSS is sampled during the run. Median of ${repeats} run(s).`,
    rows,
    notes: [],
  }
}
