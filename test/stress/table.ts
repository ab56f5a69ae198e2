import { percentile, type Tally } from './tally.js'

/** One line of the table: a scenario against one receiver. */
export interface Row {
  adapter: string
  store: string
  scenario: string
  tally: Tally
  rssBefore: number
  rssAfter: number
  runs: string
  faults: number
}

const MiB = 1024 * 1024

function answers(tally: Tally): string {
  return [...tally.answers]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join(' ')
}

const ms = (value: number | undefined) =>
  value === undefined ? '-' : value < 10 ? value.toFixed(1) : value.toFixed(0)

/** The rows as a Markdown table (readable in a terminal, pasteable into an issue). */
export function renderTable(rows: Row[]): string {
  const header = [
    'adapter',
    'store',
    'scenario',
    'requests',
    'answers',
    'p50 ms',
    'p99 ms',
    'RSS MiB',
    'runs per id',
    'faults',
    'notes',
  ]
  const cells = rows.map((row) => [
    row.adapter,
    row.store,
    row.scenario,
    String(row.tally.requests),
    answers(row.tally),
    ms(percentile(row.tally.latencies, 50)),
    ms(percentile(row.tally.latencies, 99)),
    `${Math.round(row.rssBefore / MiB)}→${Math.round(row.rssAfter / MiB)}`,
    row.runs,
    String(row.faults),
    row.tally.notes.join('; '),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  const line = (c: string[]) => `| ${c.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}
