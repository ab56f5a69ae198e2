import { Agent } from 'node:http'
import { eventBody, signHookguard } from '@hookguard/test-kit/scripts'
import type { SlowRead } from '../support/slow.js'
import { postOnce } from './post.js'
import type { ScenarioContext } from './scenario.js'
import { holdSlowClients } from './slow-clients.js'
import { newTally, percentile, record, type Tally } from './tally.js'

// Slow clients: `connections` bodies trickled at a byte per 100 ms (ten times the byte a
// second), each of which the receiver must answer 408 BODY_TIMEOUT and close within its deadline
// plus a second, while valid deliveries keep their p99 within 2x of their p99 without them.
//
// The two p99s differ only in the slow connections being held:
// - the slow clients trickle from their own process (`slow-holder.ts`), not from the event loop
//   that times the valid requests;
// - the valid requests under load start once the receiver has every slow request open (headers
//   parsed, body awaited) and stop before the first body deadline: 300 connections opened at once
//   are a burst of accept and header parsing that any 300 requests cost, and timing across it
//   measured the burst (p99 4-7x), not the held connections;
// - untimed requests warm the receiver up first (a fresh process's first requests run cold code);
//   then each round times `valid` requests alone, then as many under the slow connections, from
//   the same senders, pooled over the rounds (a p99 of one round's 200 was its second-worst
//   sample, on a machine where one scheduler stall is tens of milliseconds);
// - the receiver's own time per answer (its process's clock, not ours) is reported beside ours.

const GRACE_MS = 1000
/** The timed requests under load stop this long before the first slow body's deadline. */
const MARGIN_MS = 100
const SENDERS = 4
const POLL_MS = 20

/** Sends up to `count` valid deliveries from `SENDERS` keep-alive senders until `until`; their times. */
async function sendValid(
  ctx: ScenarioContext,
  tally: Tally,
  phase: string,
  count: number,
  until = Number.POSITIVE_INFINITY,
): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: SENDERS })
  const ms: number[] = []
  let next = 0
  async function sender() {
    while (next < count && performance.now() < until) {
      const id = `${ctx.label}-${phase}-${next++}`
      const body = eventBody(id)
      const headers = {
        'content-type': 'application/json',
        ...signHookguard(body, { secret: ctx.secret, timestamp: Math.floor(Date.now() / 1000) }),
      }
      const answer = await postOnce(`${ctx.url}/webhooks`, body, headers, agent, 10_000)
      // The table's latency columns are the requests under load.
      const timed = phase.startsWith('loaded') ? answer.ms : undefined
      record(tally, answer.status, timed, answer.body, ctx.secret, `valid delivery ${id}`)
      if (answer.status === 200) {
        tally.acked.add(id)
        ms.push(answer.ms)
      } else if (answer.status !== 503) {
        tally.violations.push(`valid delivery ${id} (${phase}): ${answer.status}`)
      }
    }
  }
  await Promise.all(Array.from({ length: SENDERS }, sender))
  agent.destroy()
  return ms
}

/** Waits until the receiver has `more` requests open beyond `before`, or `until` passes. */
async function allOpen(ctx: ScenarioContext, before: number, more: number, until: number) {
  for (;;) {
    const { open } = await ctx.serverTiming()
    if (open - before >= more) return true
    if (performance.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** Checks each slow client's answer and close; returns how many closed past deadline + 1 s. */
function checkReads(ctx: ScenarioContext, tally: Tally, reads: SlowRead[]): number {
  const deadline = ctx.plan.bodyTimeoutMs
  let late = 0
  for (const read of reads) {
    const status = read.status === undefined ? 'reset' : Number(read.status)
    record(tally, status, undefined, read.code ?? '', ctx.secret, 'slow client')
    if (read.status !== '408' || read.code !== 'BODY_TIMEOUT') {
      tally.violations.push(`a slow client got ${read.status ?? 'no answer'} ${read.code ?? ''}`)
    }
    if (read.closedAfterMs > deadline + GRACE_MS) late++
    // The bound is the deadline plus a second; a loaded machine gets 4 s more before
    // this counts as a connection held (hung).
    if (read.closedAfterMs > deadline + GRACE_MS + 4000) {
      tally.violations.push(`hung: a slow client closed after ${Math.round(read.closedAfterMs)} ms`)
    }
  }
  return late
}

export async function slow(ctx: ScenarioContext): Promise<Tally> {
  const tally = newTally()
  const { connections, valid, rounds, warmup } = ctx.plan.slow
  const deadline = ctx.plan.bodyTimeoutMs
  const alone: number[] = []
  const loaded: number[] = []
  const ownAlone: number[] = []
  const ownLoaded: number[] = []
  const perRound: string[] = []
  const closed: number[] = []
  let late = 0
  let notOpen = 0
  await sendValid(ctx, tally, 'warmup', warmup)
  for (let round = 0; round < rounds; round++) {
    const { open: before } = await ctx.serverTiming()
    const a = await sendValid(ctx, tally, `alone${round}`, valid)
    ownAlone.push(...(await ctx.serverTiming()).answerMs)
    const batch = await holdSlowClients(`${ctx.url}/webhooks`, connections)
    const until = performance.now() + deadline - MARGIN_MS
    await batch.sending
    if (!(await allOpen(ctx, before, connections, until))) notOpen++
    const b = await sendValid(ctx, tally, `loaded${round}`, valid, until)
    ownLoaded.push(...(await ctx.serverTiming()).answerMs)
    const reads = await batch.closed
    late += checkReads(ctx, tally, reads)
    closed.push(...reads.map((r) => r.closedAfterMs))
    alone.push(...a)
    loaded.push(...b)
    perRound.push(ratio(percentile(a, 99), percentile(b, 99)))
  }
  const p99a = percentile(alone, 99)
  const p99b = percentile(loaded, 99)
  tally.notes.push(
    `${closed.length} slow closed after ${fmt(percentile(closed, 50))}/${fmt(Math.max(...closed))} ms (median/max; deadline ${deadline} ms, ${late} past deadline+1 s)`,
    `valid p99 ${fmt(p99a)} ms alone, ${fmt(p99b)} ms under ${connections} held slow (${ratio(p99a, p99b)}; n ${alone.length}/${loaded.length}; rounds ${perRound.join(' ')})`,
    `the receiver's own p99 ${fmt(percentile(ownAlone, 99))}/${fmt(percentile(ownLoaded, 99))} ms (${ratio(percentile(ownAlone, 99), percentile(ownLoaded, 99))})`,
  )
  if (notOpen > 0) {
    tally.notes.push(`${notOpen} round(s) timed before the receiver had every slow request open`)
  }
  return tally
}

const fmt = (ms: number | undefined) => (ms === undefined ? '-' : ms.toFixed(ms < 10 ? 1 : 0))
const ratio = (alone: number | undefined, loaded: number | undefined) =>
  alone === undefined || loaded === undefined
    ? '-'
    : `${(loaded / Math.max(alone, 0.001)).toFixed(1)}x`
