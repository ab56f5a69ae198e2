import { MiB } from '@hookguard/test-kit/scripts'
import {
  type EndlessClient,
  type Framing,
  type Read,
  readThe413,
  sendEndless,
  sendWith,
} from '../support/oversized.js'
import type { ScenarioContext } from './scenario.js'
import { newTally, type Tally } from './tally.js'

// Oversized bodies, declared and chunked, through the clients of test/oversized-bodies.test.ts:
// each must read the receiver's 413 PAYLOAD_TOO_LARGE (not a reset), and nothing runs. Then a
// chunked body that never ends (past the drain bound), from fetch and from a sender that keeps
// writing whatever the answer: it too must read the 413, and the receiver must close.

const FRAMINGS: Framing[] = ['declared', 'chunked']
const ENDLESS: EndlessClient[] = ['fetch', 'keeps-writing']

export async function oversized(ctx: ScenarioContext): Promise<Tally> {
  const tally = newTally()
  const { sizes, clients, tries } = ctx.plan.oversized
  let read413 = 0
  const count = async (what: string, send: () => Promise<Read>) => {
    const started = performance.now()
    const read = await send()
    const ms = performance.now() - started
    const status = read.status ?? read.error ?? 'reset'
    tally.requests++
    tally.answers.set(String(status), (tally.answers.get(String(status)) ?? 0) + 1)
    tally.latencies.push(ms)
    if (readThe413(read)) read413++
    else {
      tally.violations.push(
        `413 not read: ${what}: ${read.status ?? ''} ${read.error ?? read.body.slice(0, 80)}`,
      )
    }
  }
  for (const size of sizes) {
    for (const framing of FRAMINGS) {
      for (const client of clients) {
        const n = tries(size, client, framing)
        const body = ctx.bodies.get(size) as Buffer
        const file = ctx.files.get(size) as string
        for (let i = 0; i < n; i++) {
          await count(`${size / MiB} MiB ${framing} ${client}`, () =>
            sendWith(client, `${ctx.url}/webhooks`, body, file, framing),
          )
        }
      }
    }
  }
  // The keeps-writing sender resolves once the receiver closes, or gives up with an error on a
  // connection still open 10 s on (a receiver that holds it).
  for (const client of ENDLESS) {
    await count(`endless ${client}`, () => sendEndless(client, `${ctx.url}/webhooks`))
  }
  tally.notes.push(
    `${read413}/${tally.requests} read the 413 (${sizes.map((s) => `${s / MiB}`).join(' and ')} MiB, and a body that never ends)`,
  )
  return tally
}
