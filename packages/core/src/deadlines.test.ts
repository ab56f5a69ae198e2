import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { clearDeadline, setDeadline } from './deadlines.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('shared deadlines', () => {
  it('fires each deadline once, never before its time, deadlines of one slot together', async () => {
    const started = performance.now()
    const fired: Array<[string, number]> = []
    setDeadline(40, () => fired.push(['a', performance.now() - started]))
    setDeadline(41, () => fired.push(['b', performance.now() - started]))
    setDeadline(120, () => fired.push(['c', performance.now() - started]))
    await sleep(300)
    expect(fired.map(([name]) => name)).toEqual(['a', 'b', 'c'])
    // Timers may fire a millisecond short of their delay by the clock read here; never more.
    expect(fired[0]?.[1]).toBeGreaterThanOrEqual(39)
    expect(fired[2]?.[1]).toBeGreaterThanOrEqual(119)
  })

  it('never fires a cleared deadline, and clearing twice or after firing is harmless', async () => {
    const fired: string[] = []
    const kept = setDeadline(30, () => fired.push('kept'))
    const cleared = setDeadline(30, () => fired.push('cleared'))
    clearDeadline(cleared)
    clearDeadline(cleared)
    await sleep(150)
    clearDeadline(kept)
    expect(fired).toEqual(['kept'])
  })

  it('does not keep an idle process alive', async () => {
    const module = fileURLToPath(new URL('./deadlines.ts', import.meta.url))
    const script = `const { setDeadline } = await import(${JSON.stringify(module)}); setDeadline(60_000, () => process.exit(3))`
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 30_000 },
    )
    await expect(run).resolves.toBeDefined()
  })
})
