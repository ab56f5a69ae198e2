import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, platform, release, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

/** What the numbers were measured on and against. */
export interface Machine {
  cpu: string
  cores: number
  memory: string
  node: string
  os: string
  date: string
  commit: string
  libraries: Array<[string, string]>
}

const LIBRARIES = [
  'mitata',
  'autocannon',
  'standardwebhooks',
  'svix',
  'stripe',
  '@octokit/webhooks-methods',
  'express',
  'fastify',
  'hono',
  '@hono/node-server',
  'ioredis',
]

function version(name: string): string {
  // Read the file directly: not every package exports its package.json.
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url)
  return (JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as { version: string }).version
}

function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../packages'], {
      encoding: 'utf8',
    })
    return dirty.trim() === '' ? hash : `${hash} (packages/ with uncommitted changes)`
  } catch {
    return 'unknown'
  }
}

export function machine(): Machine {
  const list = cpus()
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${platform()} ${release()} ${process.arch}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: commit(),
    libraries: LIBRARIES.map((name) => [name, version(name)]),
  }
}
