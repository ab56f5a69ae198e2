import { type SchemeName, schemes, sign } from '@hookguard/core'
import { SingleBar } from 'cli-progress'
import { type DeliveryResult, deliver } from '../deliver.js'
import { envelope, signedBody, signsInBody } from '../envelope.js'
import { EXIT, type ExitCode, UsageError } from '../exit.js'
import { readBytes, readSecret, type SecretFlags } from '../inputs.js'
import type { CliIo } from '../io.js'
import { renderTable } from '../render.js'
import type { Colors } from '../style.js'

export interface SendFlags extends SecretFlags {
  scheme: SchemeName
  type?: string
  data?: string
  count: number
  concurrency: number
  duplicates: number
  retry: number
  retryDelay: number
  timeout: number
  json?: boolean
  progress: boolean
}

interface Job {
  id: string
  body: string
  headers: Record<string, string>
  duplicate: boolean
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`

/** What `send --json` prints. */
export interface SendSummary {
  url: string
  scheme: string
  deliveries: number
  duplicates: number
  requests: number
  retried: number
  ok: number
  failed: number
  statuses: Record<string, number>
  latencyMs: { p50: number; p95: number; max: number }
  results: Array<{
    id: string
    duplicate: boolean
    status: number | null
    attempts: number
    error?: string
  }>
}

function summarise(url: string, scheme: string, results: DeliveryResult[]): SendSummary {
  const statuses: Record<string, number> = {}
  for (const r of results) {
    const key = r.status === undefined ? (r.error ?? 'no answer') : String(r.status)
    statuses[key] = (statuses[key] ?? 0) + 1
  }
  const latencies = results.map((r) => r.latencyMs).sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 10) / 10
  const ok = results.filter(
    (r) => r.status !== undefined && r.status >= 200 && r.status < 300,
  ).length
  return {
    url,
    scheme,
    deliveries: results.length,
    duplicates: results.filter((r) => r.duplicate).length,
    requests: results.reduce((n, r) => n + r.attempts, 0),
    retried: results.filter((r) => r.attempts > 1).length,
    ok,
    failed: results.length - ok,
    statuses,
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      max: round(latencies.at(-1) ?? 0),
    },
    results: results.map((r) => ({
      id: r.id,
      duplicate: r.duplicate,
      status: r.status ?? null,
      attempts: r.attempts,
      ...(r.error === undefined ? {} : { error: r.error }),
    })),
  }
}

function renderSummary(summary: SendSummary, results: DeliveryResult[], c: Colors): string {
  const rows: string[][] = [['answer', 'count', 'p50', 'p95', 'max']]
  const answerOf = (r: DeliveryResult) =>
    r.status === undefined ? (r.error ?? 'no answer') : String(r.status)
  for (const [answer, count] of Object.entries(summary.statuses).sort()) {
    const latencies = results
      .filter((r) => answerOf(r) === answer)
      .map((r) => r.latencyMs)
      .sort((a, b) => a - b)
    rows.push([
      answer,
      String(count),
      ms(percentile(latencies, 50)),
      ms(percentile(latencies, 95)),
      ms(latencies.at(-1) ?? 0),
    ])
  }
  const table = renderTable(rows, (cell, row, column) => {
    if (row === 0) return c.dim(cell)
    if (column !== 0) return cell
    const code = Number(cell.trim())
    return code >= 200 && code < 300 ? c.green(cell) : c.red(cell)
  })
  const line = `${summary.deliveries} deliveries (${summary.duplicates} duplicates) to ${summary.url}: ${summary.ok} answered 2xx, ${summary.failed} not; ${summary.requests} requests, ${summary.retried} retried`
  return `${table}\n${summary.failed === 0 ? c.green(line) : c.yellow(line)}\n`
}

export async function sendCommand(
  url: string,
  flags: SendFlags,
  io: CliIo,
  c: Colors,
): Promise<ExitCode> {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error()
  } catch {
    throw new UsageError(`send: "${url}" is not an http(s) URL`)
  }
  const secret = await readSecret(flags, io.env)
  let data: unknown
  if (flags.data !== undefined) {
    const text = Buffer.from(await readBytes(flags.data, io.stdin, '--data')).toString('utf8')
    try {
      data = JSON.parse(text)
    } catch {
      throw new UsageError(`--data ${flags.data}: not valid JSON`)
    }
  }
  if (flags.duplicates > flags.count) {
    throw new UsageError('--duplicates cannot exceed --count')
  }
  if (
    data !== undefined &&
    flags.count > 1 &&
    schemes[flags.scheme].idempotencyKeyFrom === 'body'
  ) {
    // The sender's id is unsigned, so receivers key these events on their body: one --data body
    // sent N times is one event and N - 1 duplicates, whatever the delivery ids say.
    io.stderr.write(
      `hookguard send: --scheme ${flags.scheme} events are keyed by their body, and --data sends the ` +
        `same body ${flags.count} times: a receiver with a store runs the first and answers the ` +
        'rest as duplicates. Leave out --data for a new body each time.\n',
    )
  }
  const now = () => Math.floor(Date.now() / 1000)
  const jobs: Job[] = []
  for (let i = 0; i < flags.count; i++) {
    const event = envelope(flags.scheme, { type: flags.type, data, now: now() })
    jobs.push({ ...event, duplicate: false })
  }
  // Redeliveries of events spread over the run, each sent again after the first ones.
  for (let i = 0; i < flags.duplicates; i++) {
    const original = jobs[Math.floor((i * flags.count) / flags.duplicates)] as Job
    jobs.push({ ...original, duplicate: true })
  }

  const signJob = async (job: Job) => {
    try {
      const input: Parameters<typeof sign>[0] & { url?: string } = {
        payload: job.body,
        secret,
        scheme: flags.scheme,
        id: job.id,
        url,
      }
      return await sign(input)
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(error.message)
      throw error
    }
  }
  // Mailgun signs into the body and resends the first signature on every retry: sign each job
  // once, here (a duplicate shares its original's body). The others sign each attempt afresh.
  const inBody = signsInBody(flags.scheme)
  if (inBody) {
    const signed = new Map<string, string>()
    for (const job of jobs) {
      const body =
        signed.get(job.id) ?? (signedBody(flags.scheme, job.body, await signJob(job)) as string)
      signed.set(job.id, body)
      job.body = body
    }
  }
  const resign = (job: Job) => async () =>
    inBody ? job.headers : { ...job.headers, ...(await signJob(job)) }
  // A bad secret is a usage error before anything is sent.
  await resign(jobs[0] as Job)()

  const showBar = flags.progress && !flags.json && jobs.length > 1 && io.stderr.isTTY === true
  const bar = showBar
    ? new SingleBar({
        stream: io.stderr,
        format: `${c.cyan('{bar}')} {value}/{total} deliveries | {ok} 2xx | {failed} other | {eta_formatted}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        clearOnComplete: false,
      })
    : undefined
  bar?.start(jobs.length, 0, { ok: 0, failed: 0 })

  const results: DeliveryResult[] = new Array(jobs.length)
  let next = 0
  let ok = 0
  const policy = { retries: flags.retry, baseDelayMs: flags.retryDelay, timeoutMs: flags.timeout }
  const worker = async () => {
    for (;;) {
      const index = next++
      const job = jobs[index]
      if (job === undefined) return
      const result = await deliver(url, job.body, resign(job), policy, {
        id: job.id,
        duplicate: job.duplicate,
      })
      results[index] = result
      if (result.status !== undefined && result.status < 300 && result.status >= 200) ok++
      bar?.increment({ ok, failed: results.filter(Boolean).length - ok })
    }
  }
  await Promise.all(Array.from({ length: Math.min(flags.concurrency, jobs.length) }, worker))
  bar?.stop()

  const summary = summarise(url, flags.scheme, results)
  if (flags.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
  else io.stdout.write(renderSummary(summary, results, c))
  return summary.failed === 0 ? EXIT.OK : EXIT.REJECTED
}
