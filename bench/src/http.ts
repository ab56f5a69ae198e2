import { sign } from '@hookguard/core'
import { eventBody, kib, secrets, signedHeaders } from './fixtures.js'
import type { Framework } from './http-servers.js'
import { startServer as forkServer } from './load.js'
import { type Budget, median, quartileRatio } from './measure.js'
import { formatCount, formatRatio, type Row, type Section } from './report.js'
import { pairedSlices, sliceMethod } from './slices.js'

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

function startServer(framework: Framework, scheme: Scheme) {
  const script = new URL('./http-servers.ts', import.meta.url)
  return forkServer(script, [framework, secrets[scheme]], framework)
}

/** Distinct events signed now, so every run's timestamps are fresh (300 s tolerance). */
async function signedPool(
  scheme: Scheme,
): Promise<Array<{ body: string; headers: Record<string, string> }>> {
  const requests: Array<{ body: string; headers: Record<string, string> }> = []
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
    requests.push({ headers, body: body.toString() })
  }
  return requests
}

/** Group 4: requests per second through each adapter and a hand-written route on the same server. */
export async function benchHttp(budget: Budget, only?: string): Promise<Section> {
  const rows: Row[] = []
  const notes: string[] = []
  const servers = FRAMEWORKS.filter(({ label }) => only === undefined || label.includes(only))
  for (const { name, label, baseline, scheme = 'hookguard', target = TARGET } of servers) {
    const { child, port } = await startServer(name, scheme)
    try {
      // Signed once per server: its slices take well under the 300 s timestamp tolerance.
      const pools = {
        hookguard: await signedPool(scheme),
        baseline: await signedPool(scheme),
      }
      let next = 0
      const measured = await pairedSlices({
        port,
        child,
        routes: ROUTES,
        request: (route) =>
          pools[route][next++ % POOL] as { body: string; headers: Record<string, string> },
        budget,
      })
      const { hookguard: ours, baseline: theirs } = measured
      notes.push(
        `${label}: server CPU per request (user + system, median over slices) ` +
          `${median(ours.cpu).toFixed(0)} µs through hookguard, ` +
          `${median(theirs.cpu).toFixed(0)} µs hand-written ` +
          `(${quartileRatio(ours.cpu, theirs.cpu).median.toFixed(2)}x).`,
      )
      const ratio = quartileRatio(ours.rps, theirs.rps)
      rows.push({
        case: `${label}, ${kib(BODY_BYTES)}`,
        hookguard: `${formatCount(median(ours.rps))} req/s`,
        baseline,
        baselineValue: `${formatCount(median(theirs.rps))} req/s`,
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
      `fast. ${POOL} distinct ${kib(BODY_BYTES)} events per route, signed before the server's first ` +
      `slice. ${sliceMethod(budget)}`,
    rows,
    notes,
  }
}
