import type { ChildProcess } from 'node:child_process'
import { sign } from '@hookguard/core'
import type autocannon from 'autocannon'
import { eventBody, kib, secrets, signedHeaders } from './fixtures.js'
import type { Framework } from './http-servers.js'
import { CONNECTIONS, startServer as forkServer, type Load, measureLoad } from './load.js'
import { type Budget, median, pairedRatio } from './measure.js'
import { formatCount, formatRatio, type Row, type Section } from './report.js'

const TARGET = 0.95
const BODY_BYTES = 1024
const POOL = 64
type Scheme = 'hookguard' | 'github'
const FRAMEWORKS: Array<{
  name: Framework
  label: string
  baseline: string
  scheme?: Scheme
  target?: number
}> = [
  { name: 'express', label: 'Express 5', baseline: 'express.raw + createHmac' },
  { name: 'fastify', label: 'Fastify 5', baseline: 'buffer content parser + createHmac' },
  {
    name: 'hono',
    label: 'Hono 4 on @hono/node-server',
    baseline: 'c.req.arrayBuffer + createHmac',
  },
  { name: 'node', label: 'node:http (@hookguard/node)', baseline: 'raw body + createHmac' },
  {
    name: 'node-github',
    label: 'node:http (@hookguard/node), github',
    baseline: "@octokit/webhooks' createNodeMiddleware",
    scheme: 'github',
    target: 1,
  },
]
const ROUTES = ['hookguard', 'baseline'] as const
type Route = (typeof ROUTES)[number]

function startServer(framework: Framework, scheme: Scheme) {
  const script = new URL('./http-servers.ts', import.meta.url)
  return forkServer(script, [framework, secrets[scheme]], framework)
}

/** Distinct events signed now, so every run's timestamps are fresh (300 s tolerance). */
async function signedPool(path: string, scheme: Scheme): Promise<autocannon.Request[]> {
  const requests: autocannon.Request[] = []
  for (let i = 0; i < POOL; i++) {
    const body = eventBody(BODY_BYTES, `evt_${i}`)
    const headers =
      scheme === 'github'
        ? {
            'content-type': 'application/json',
            'x-github-event': 'issues',
            ...(await sign({ scheme, payload: body, secret: secrets.github, id: `delivery-${i}` })),
          }
        : await signedHeaders(body)
    requests.push({ method: 'POST', path, headers, body })
  }
  return requests
}

async function load(
  child: ChildProcess,
  port: number,
  route: Route,
  seconds: number,
  scheme: Scheme,
): Promise<Load> {
  const requests = await signedPool(`/${route}`, scheme)
  return measureLoad({ port, requests, seconds, label: route, child })
}

/** Group 4: requests per second through each adapter and a hand-written route on the same server. */
export async function benchHttp(budget: Budget, only?: string): Promise<Section> {
  const rows: Row[] = []
  const notes: string[] = []
  const servers = FRAMEWORKS.filter(({ label }) => only === undefined || label.includes(only))
  for (const { name, label, baseline, scheme = 'hookguard', target = TARGET } of servers) {
    const { child, port } = await startServer(name, scheme)
    try {
      const seconds = budget.httpSeconds
      // Warm both routes up (JIT, connection pools) before anything counts; smoke only checks
      // that every route answers.
      if (!budget.smoke)
        for (const route of ROUTES) await load(child, port, route, seconds / 2, scheme)
      const rps: Record<Route, number[]> = { hookguard: [], baseline: [] }
      const cpu: Record<Route, number[]> = { hookguard: [], baseline: [] }
      for (let round = 0; round < budget.rounds; round++) {
        const order = round % 2 === 0 ? ROUTES : [...ROUTES].reverse()
        for (const route of order) {
          const run = await load(child, port, route, seconds, scheme)
          rps[route].push(run.rps)
          cpu[route].push(run.cpu)
        }
      }
      notes.push(
        `${label}: server CPU per request (user + system, median over rounds) ` +
          `${median(cpu.hookguard).toFixed(0)} µs through hookguard, ` +
          `${median(cpu.baseline).toFixed(0)} µs hand-written ` +
          `(${pairedRatio(cpu.hookguard, cpu.baseline).median.toFixed(2)}x).`,
      )
      const ratio = pairedRatio(rps.hookguard, rps.baseline)
      rows.push({
        case: `${label}, ${kib(BODY_BYTES)}`,
        hookguard: `${formatCount(median(rps.hookguard))} req/s`,
        baseline,
        baselineValue: `${formatCount(median(rps.baseline))} req/s`,
        ratio: formatRatio(ratio, 'req/s'),
        target: `>= ${target}x req/s`,
        met: ratio.median >= target,
      })
    } finally {
      child.kill()
    }
  }
  return {
    title: '4. Adapters over loopback, against a hand-written route on the same framework',
    method:
      `Each framework runs in a child process (one core for the server, one for autocannon in ` +
      `the parent; running both in one process would make the client compete with the server ` +
      `for its one thread). The server has two routes: the hookguard adapter with \`{ secret }\` ` +
      `(verification only; the handler answers \`{ received, id }\`) and the hand-written one ` +
      `(${FRAMEWORKS.filter((f) => f.scheme === undefined)
        .map((f) => f.baseline)
        .join('; ')}; then the same header, timestamp, ` +
      `HMAC, \`timingSafeEqual\` and \`JSON.parse\` steps as group 1, same answer). For GitHub ` +
      `deliveries on node:http the other route is \`@octokit/webhooks\`' \`createNodeMiddleware\` ` +
      `(no event handlers) and both answer its \`200 ok\`; the target there is to be at least as ` +
      `fast. autocannon: ` +
      `${CONNECTIONS} connections, no pipelining, ${budget.httpSeconds} s per run, ` +
      `${POOL} distinct ${kib(BODY_BYTES)} events signed just before each run; a warm-up run ` +
      `per route, then ${budget.rounds} rounds alternating which route goes first. Requests per ` +
      `second are 2xx responses over the run's duration (any non-2xx aborts the benchmark); ` +
      `ratio = median of the per-round ratios. The server's own CPU time per request is ` +
      `measured around each run too (\`process.cpuUsage()\` in the child).`,
    rows,
    notes,
  }
}
