// `pnpm bench`: every benchmark group (about 12 minutes on 2 cores), a table on stdout, and the
// report in bench/results/BENCHMARKS.md (untracked). `--write`: the report replaces the tracked
// BENCHMARKS.md at the repo root instead.
// `--smoke`: every group briefly (well under a minute), the table only, no timing assertions.
// `--only <text>`: just the groups whose name contains the text; the table only.
// `--rows <text>`: in the HTTP groups (4 and 10), just the servers whose label contains the text
// (`node:http`, `Fastify`).
// `--rounds <n>`, `--seconds <s>`: another number of rounds, another length for every HTTP run
// (groups 4 and 10), for a quick look; the report is then not written.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { benchBullmqWorker } from './bullmq-worker.js'
import { benchHttp } from './http.js'
import { benchInboxHttp } from './inbox-http.js'
import { machine } from './machine.js'
import { budget } from './measure.js'
import { benchMemoryStore } from './memory-store.js'
import { benchProcessingHttp } from './processing-http.js'
import { benchRedis } from './redis-store.js'
import { benchmarksDocument, type Section, textTables } from './report.js'
import { benchSchemeFamilies } from './scheme-families.js'
import { benchStandardWebhooks } from './standard-webhooks.js'
import { benchStripeGithub } from './stripe-github.js'
import { benchVerifyDefault } from './verify-default.js'

const USAGE = `usage: pnpm bench [--smoke] [--write] [--only <group text>] [--rows <server text>]
                  [--rounds <n>] [--seconds <s>]
  --smoke   every group briefly (well under a minute), the table only
  --write   the report replaces the tracked BENCHMARKS.md (default: bench/results/, untracked)
  --only    just the groups whose name contains the text; the table only
  --rows    in the HTTP groups (4, 10), just the servers whose label contains the text
  --rounds  rounds per comparison instead of 7; the table only
  --seconds seconds per HTTP run (groups 4, 10) instead of 5 and 3; the table only`
// An unknown flag (a typo, or --help) must not start a 12-minute run.
let args: ReturnType<typeof parseBenchArgs>
try {
  args = parseBenchArgs()
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`)
  process.exit(2)
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
const { smoke = false, write = false, only, rows } = args
const rounds = positive('--rounds', args.rounds)
const seconds = positive('--seconds', args.seconds)

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!(value > 0)) {
    console.error(`${name} ${text}: not a positive number\n${USAGE}`)
    process.exit(2)
  }
  return value
}

function parseBenchArgs() {
  const options = {
    smoke: { type: 'boolean' },
    write: { type: 'boolean' },
    only: { type: 'string' },
    rows: { type: 'string' },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const
  // pnpm passes a lone `--` through when called as `pnpm bench -- --only x`.
  const argv = process.argv.slice(2).filter((arg) => arg !== '--')
  return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values
}

// The bench measures what users install: the built packages, never the TypeScript sources
// (bench/tsconfig.json keeps the root tsconfig's source paths away from tsx).
const resolved = import.meta.resolve('@hookguard/core')
if (!resolved.includes('/dist/')) {
  throw new Error(`@hookguard/core resolves to ${resolved}, not dist/: run the root build first`)
}

const groups: Array<[string, (b: ReturnType<typeof budget>) => Promise<Section>]> = [
  ['verify(), default scheme', benchVerifyDefault],
  ['standard-webhooks', benchStandardWebhooks],
  ['stripe and github', benchStripeGithub],
  ['adapters over HTTP', (b) => benchHttp(b, rows)],
  ['Redis store', benchRedis],
  ['memory store', benchMemoryStore],
  ['bullmq worker', benchBullmqWorker],
  ['bullmq inbox over HTTP', benchInboxHttp],
  ['scheme families', benchSchemeFamilies],
  ['processing over HTTP', (b) => benchProcessingHttp(b, rows)],
]

if (only !== undefined && !groups.some(([name]) => name.includes(only))) {
  console.error(
    `--only ${only}: no group matches; the groups are:\n  ${groups.map(([name]) => name).join('\n  ')}`,
  )
  process.exit(2)
}

const settings = budget(smoke)
if (rounds !== undefined) settings.rounds = rounds
if (seconds !== undefined) {
  settings.httpSeconds = seconds
  settings.sliceSeconds = seconds
}
const about = machine()
console.log(
  `hookguard bench${smoke ? ' (smoke, under a minute)' : ' (a full run takes about 12 minutes on 2 cores)'}: ${about.cpu}, ${about.cores} cores, ${about.memory}, ` +
    `Node ${about.node}, commit ${about.commit}`,
)
const sections: Section[] = []
const started = performance.now()
for (const [name, run] of groups) {
  if (only !== undefined && !name.includes(only)) continue
  const t0 = performance.now()
  process.stdout.write(`running ${name}… `)
  sections.push(await run(settings))
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
console.log(textTables(sections))
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`)

// A partial or shortened run is never written as the report.
const partial = [only, rows, rounds, seconds].some((given) => given !== undefined)
if (!smoke && !partial) {
  const target = write ? '../../BENCHMARKS.md' : '../results/BENCHMARKS.md'
  const path = fileURLToPath(new URL(target, import.meta.url))
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, benchmarksDocument(about, sections))
  console.log(`wrote ${path}${write ? '' : ' (untracked; --write replaces BENCHMARKS.md)'}`)
}
