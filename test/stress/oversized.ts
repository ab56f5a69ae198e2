import { MiB } from '@hookguard/test-kit/scripts'
import { type Framing, sendWith } from '../support/oversized.js'
import type { ScenarioContext } from './scenario.js'
import { newTally, type Tally } from './tally.js'

// Oversized bodies, declared and chunked, through the clients of test/oversized-bodies.test.ts:
// each must read the receiver's 413 PAYLOAD_TOO_LARGE (not a reset), and nothing runs.

const FRAMINGS: Framing[] = ['declared', 'chunked']

export async function oversized(ctx: ScenarioContext): Promise<Tally> {
  const tally = newTally()
  const { sizes, clients, tries } = ctx.plan.oversized
  let read413 = 0
  for (const size of sizes) {
    for (const framing of FRAMINGS) {
      for (const client of clients) {
        const n = tries(size, client, framing)
        for (let i = 0; i < n; i++) {
          const started = performance.now()
          const body = ctx.bodies.get(size) as Buffer
          const file = ctx.files.get(size) as string
          const read = await sendWith(client, `${ctx.url}/webhooks`, body, file, framing)
          const ms = performance.now() - started
          const status = read.status ?? read.error ?? 'reset'
          tally.requests++
          tally.answers.set(String(status), (tally.answers.get(String(status)) ?? 0) + 1)
          tally.latencies.push(ms)
          const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(read.body)?.[1]
          if (read.status === 413 && code === 'PAYLOAD_TOO_LARGE') read413++
          else {
            const what = `${size / MiB} MiB ${framing} ${client}`
            tally.violations.push(
              `413 not read: ${what}: ${read.status ?? ''} ${read.error ?? read.body.slice(0, 80)}`,
            )
          }
        }
      }
    }
  }
  tally.notes.push(
    `${read413}/${tally.requests} read the 413 (${sizes.map((s) => `${s / MiB}`).join(' and ')} MiB)`,
  )
  return tally
}
