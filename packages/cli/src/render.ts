import type { Explanation } from '@hookguard/core'
import type { Colors } from './style.js'

/** The human form of an explanation: a verdict line, then each finding with its fix. */
export function renderExplanation(
  explanation: Explanation,
  c: Colors,
  event?: { id: string | undefined; type: string | undefined },
): string {
  if (explanation.verdict === 'valid') {
    const about = [event?.type, event?.id].filter(Boolean).join('  ')
    return `${c.green('✓ valid')}  ${explanation.scheme}${about ? `  ${about}` : ''}\n`
  }
  const error = explanation.error ? `  ${explanation.error.code}: ${explanation.error.message}` : ''
  const lines = [`${c.red('✗ invalid')}  ${explanation.scheme}${c.dim(error)}`]
  explanation.findings.forEach((finding, index) => {
    lines.push('')
    lines.push(`${c.bold(`${index + 1}. ${finding.code}`)} ${c.dim(`(${finding.confidence})`)}`)
    lines.push(`   ${finding.message}`)
    lines.push(`   ${c.cyan('fix:')} ${finding.fix}`)
  })
  return `${lines.join('\n')}\n`
}

/**
 * A plain aligned table: the first column left-aligned, the rest right-aligned. `paint` colours
 * a cell after padding, so escape codes never count toward the widths.
 */
export function renderTable(
  rows: ReadonlyArray<readonly string[]>,
  paint: (cell: string, row: number, column: number) => string = (cell) => cell,
): string {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  }
  return rows
    .map((row, r) =>
      row
        .map((cell, i) =>
          paint(i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0), r, i),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
