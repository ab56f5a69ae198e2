import { Agent } from 'node:http'
import { eventBody, signHookguard } from '@hookguard/test-kit/scripts'
import { slowClient } from '../support/slow.js'
import { postOnce } from './post.js'
import type { ScenarioContext } from './scenario.js'
import { newTally, percentile, record, type Tally } from './tally.js'

// Slow clients: `connections` bodies trickled at a byte per 100 ms, each of which the receiver
// must answer 408 BODY_TIMEOUT and close soon after its deadline, while valid deliveries keep
// their latency. The valid ones are timed alone first, then again under the slow ones.

const GRACE_MS = 1000

async function valid(ctx: ScenarioContext, tally: Tally, round: string): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  const ms: number[] = []
  let next = 0
  async function sender() {
    while (next < ctx.plan.slow.valid) {
      const id = `${ctx.label}-${round}-${next++}`
      const body = eventBody(id)
      const headers = {
        'content-type': 'application/json',
        ...signHookguard(body, { secret: ctx.secret, timestamp: Math.floor(Date.now() / 1000) }),
      }
      const answer = await postOnce(`${ctx.url}/webhooks`, body, headers, agent, 10_000)
      record(tally, answer.status, answer.ms, answer.body, ctx.secret, `valid delivery ${id}`)
      if (answer.status === 200) {
        tally.acked.add(id)
        ms.push(answer.ms)
      } else if (answer.status !== 503) {
        tally.violations.push(`valid delivery ${id} during slow clients: ${answer.status}`)
      }
    }
  }
  await Promise.all(Array.from({ length: 4 }, sender))
  agent.destroy()
  return ms
}

export async function slow(ctx: ScenarioContext): Promise<Tally> {
  const tally = newTally()
  const deadline = ctx.plan.bodyTimeoutMs
  const alone = await valid(ctx, tally, 'alone')
  const slowOnes = Array.from({ length: ctx.plan.slow.connections }, () =>
    slowClient(`${ctx.url}/webhooks`),
  )
  const loaded = await valid(ctx, tally, 'loaded')
  const reads = await Promise.all(slowOnes)
  let late = 0
  for (const read of reads) {
    const status = read.status === undefined ? 'reset' : Number(read.status)
    record(tally, status, undefined, read.code ?? '', ctx.secret, 'slow client')
    if (read.status !== '408' || read.code !== 'BODY_TIMEOUT') {
      tally.violations.push(`a slow client got ${read.status ?? 'no answer'} ${read.code ?? ''}`)
    }
    // The bound is the deadline plus a second; a loaded machine gets 4 s more before
    // this counts as a connection held (hung).
    if (read.closedAfterMs > deadline + GRACE_MS) late++
    if (read.closedAfterMs > deadline + GRACE_MS + 4000) {
      tally.violations.push(`hung: a slow client closed after ${Math.round(read.closedAfterMs)} ms`)
    }
  }
  tally.latencies.push(...loaded)
  const closed = reads.map((r) => r.closedAfterMs)
  const p99a = percentile(alone, 99) ?? 0
  const p99b = percentile(loaded, 99) ?? 0
  tally.notes.push(
    `${reads.length} slow closed after ${fmt(percentile(closed, 50))}/${fmt(Math.max(...closed))} ms (median/max; deadline ${deadline} ms, ${late} past deadline+1 s)`,
    `valid p99 ${fmt(p99a)} ms alone, ${fmt(p99b)} ms under slow (${(p99b / Math.max(p99a, 0.001)).toFixed(1)}x)`,
  )
  return tally
}

const fmt = (ms: number | undefined) => (ms === undefined ? '-' : ms.toFixed(ms < 10 ? 1 : 0))
