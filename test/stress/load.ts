import { Agent } from 'node:http'
import { eventBody, signHookguard } from '@hookguard/test-kit/scripts'
import { postOnce } from './post.js'
import type { ScenarioContext } from './scenario.js'
import { newTally, record, type Tally } from './tally.js'

// A sustained valid load: `senders` concurrent senders for `seconds`, `duplicates` of their
// deliveries a resend of an earlier event (some while the first is still in flight). Each sender
// behaves like a real one: keep-alive connections, and a retry with backoff on 5xx, 409 and
// connection errors (Retry-After is honoured up to a cap, to keep the run short). Every event
// that got a 200 must run exactly once; none may run twice.

const MAX_ATTEMPTS = 30
const MAX_BACKOFF_MS = 250
const RECENT = 200

export async function load(ctx: ScenarioContext): Promise<Tally> {
  const tally = newTally()
  const { seconds, senders, duplicates } = ctx.plan.load
  const agent = new Agent({ keepAlive: true, maxSockets: senders })
  const url = `${ctx.url}/webhooks`
  const until = performance.now() + seconds * 1000
  const sent: string[] = []
  let deliveries = 0
  let resends = 0
  let retries = 0
  let gaveUp = 0

  function nextId(): string {
    if (sent.length > 0 && ctx.rng() < duplicates) {
      resends++
      // A recent one: its first delivery may still be in flight.
      const from = Math.max(0, sent.length - RECENT)
      return sent[from + Math.floor(ctx.rng() * (sent.length - from))] as string
    }
    const id = `${ctx.label}-${sent.length}`
    sent.push(id)
    return id
  }

  async function deliver(id: string) {
    const body = eventBody(id)
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Senders sign each attempt anew (a fresh timestamp over the same body).
      const headers = {
        'content-type': 'application/json',
        ...signHookguard(body, { secret: ctx.secret, timestamp: Math.floor(Date.now() / 1000) }),
      }
      const answer = await postOnce(url, body, headers, agent, 10_000)
      record(tally, answer.status, answer.ms, answer.body, ctx.secret, `valid delivery ${id}`)
      const status = answer.status
      if (status === 200) {
        tally.acked.add(id)
        return
      }
      if (status === 'hung') return
      const retry = typeof status !== 'number' || status === 409 || status >= 500
      if (!retry) {
        tally.violations.push(`valid delivery ${id} answered ${status} ${answer.body.slice(0, 80)}`)
        return
      }
      retries++
      const asked = Number(answer.retryAfter) * 1000
      const backoff = Math.min(MAX_BACKOFF_MS, 10 * 2 ** attempt)
      const wait = Math.min(
        MAX_BACKOFF_MS,
        Number.isFinite(asked) ? Math.max(asked, backoff) : backoff,
      )
      await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + ctx.rng())))
    }
    gaveUp++
  }

  async function sender() {
    while (performance.now() < until) {
      deliveries++
      await deliver(nextId())
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: senders }, sender))
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  tally.notes.push(
    `${deliveries} deliveries (${sent.length} events, ${resends} resends = ${Math.round((100 * resends) / Math.max(deliveries, 1))} %), ${Math.round(tally.requests / elapsed)} req/s, ${retries} retries${gaveUp ? `, ${gaveUp} gave up` : ''}`,
  )
  return tally
}
