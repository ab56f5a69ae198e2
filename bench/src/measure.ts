import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { measure } from 'mitata'

// A real collector for mitata (without one it allocates 1 GiB to force a collection) and for
// the memory figures; the `bench` script runs plain `tsx`, so expose it at run time.
setFlagsFromString('--expose-gc')
export const gc = runInNewContext('gc') as () => void

export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('median of nothing')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** How long and how often to measure: `--smoke` only checks that everything runs. */
export interface Budget {
  smoke: boolean
  /** Interleaved rounds per comparison; the result is the median over rounds. */
  rounds: number
  /** mitata's minimum CPU time per measurement, in ms. */
  microMs: number
  /** Seconds per autocannon run. */
  httpSeconds: number
  /** Seconds of load per route in the HTTP comparisons (groups 4 and 10), in alternating slices. */
  sliceSeconds: number
  /** Seconds per Redis run. */
  redisSeconds: number
  /** Events through the memory store. */
  memoryEvents: number
}

export function budget(smoke: boolean): Budget {
  return smoke
    ? {
        smoke,
        rounds: 1,
        microMs: 20,
        httpSeconds: 0.5,
        sliceSeconds: 0.3,
        redisSeconds: 0.5,
        memoryEvents: 100_000,
      }
    : {
        smoke,
        rounds: 7,
        microMs: 400,
        httpSeconds: 5,
        sliceSeconds: 15,
        redisSeconds: 3,
        memoryEvents: 1_000_000,
      }
}

export interface Timing {
  /** Median over rounds of mitata's median time per operation, ns. */
  ns: number
  /** Each round's median time per operation, ns. */
  rounds: number[]
}

/**
 * Measures every case once per round with mitata (median time per op), in a rotating order so
 * no case always runs first or last, and returns the median over rounds. Each case is called
 * once first and must not throw: a benchmark of a failing verification would be meaningless.
 */
export async function interleave<K extends string>(
  cases: Record<K, () => unknown>,
  { rounds, microMs }: Budget,
): Promise<Record<K, Timing>> {
  const names = Object.keys(cases) as K[]
  for (const name of names) await (cases[name] as () => unknown)()
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length] as K)
    if (round % 2 === 1) order.reverse()
    for (const name of order) {
      const stats = await measure(cases[name] as () => unknown, {
        gc,
        min_cpu_time: microMs * 1e6,
      })
      samples[name].push(stats.p50)
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, { ns: median(samples[name]), rounds: samples[name] }]),
  ) as Record<K, Timing>
}

/** A ratio over rounds: the median, and the range it moved in from round to round. */
export interface Ratio {
  median: number
  min: number
  max: number
}

/**
 * The per-round ratios of two series measured back to back on the same (noisy, shared)
 * machine, each round's pair compared with each other.
 */
export function pairedRatio(subject: readonly number[], baseline: readonly number[]): Ratio {
  const ratios = subject.map((value, i) => value / (baseline[i] as number))
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) }
}

/** Many paired ratios: their median, and the middle half of them (quartiles) as min and max. */
export function quartileRatio(subject: readonly number[], baseline: readonly number[]): Ratio {
  const ratios = subject.map((value, i) => value / (baseline[i] as number)).sort((a, b) => a - b)
  const at = (q: number) =>
    ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))] as number
  return { median: median(ratios), min: at(0.25), max: at(0.75) }
}

/** `subject`'s time over `baseline`'s, per round. */
export const timeRatio = (subject: Timing, baseline: Timing): Ratio =>
  pairedRatio(subject.rounds, baseline.rounds)
