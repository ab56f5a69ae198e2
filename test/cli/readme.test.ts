import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname } from 'node:path'
import { FINDING_CODES } from '@hookguard/core'
import { bodyBytes, fixture, fixtures } from '@hookguard/test-kit/explain-corpus'
import { connect, deleteKeys, redisUrl } from '@hookguard/test-kit/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin, cleanEnv, scratch } from './run.js'

const readme = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** The fenced blocks of a markdown text, in order. */
function blocks(markdown: string): Array<{ lang: string; text: string }> {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] ?? '',
    text: m[2] ?? '',
  }))
}

const reserialized = fixture('stripe-express-json-reserialized')
const secrets = {
  WEBHOOK_SECRET: 'whsec_readme_secret',
  STRIPE_WEBHOOK_SECRET: reserialized.secret,
  SVIX_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  GITHUB_WEBHOOK_SECRET: 'readme-github-secret',
  SHOPIFY_SECRET: 'readme-shopify-secret',
}

/** The files the README's examples name. */
function readmeDir(): string {
  const headerLines = Object.entries(reserialized.request.headers).map(([k, v]) => `${k}: ${v}`)
  return scratch({
    'event.json': JSON.stringify({
      id: 'evt_readme',
      type: 'order.created',
      created: 1768478400,
      data: { object: { id: 'ord_1' } },
    }),
    'order.json': JSON.stringify({ id: 'ord_2', amount: 100, currency: 'eur' }),
    'headers.txt': `${headerLines.join('\n')}\n`,
    'headers.json': JSON.stringify(reserialized.request.headers),
    'body.json': bodyBytes(reserialized),
    'stripe.secret': `${reserialized.secret}\n`,
    'github.secret': `${secrets.GITHUB_WEBHOOK_SECRET}\n`,
  })
}

function sh(command: string, cwd: string, onStderr?: (text: string, stop: () => void) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('sh', ['-c', command], {
      cwd,
      env: cleanEnv({
        ...secrets,
        REDIS_URL: redisUrl(),
        PATH: `${dirname(bin())}:${process.env.PATH}`,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => {
      stdout += c
    })
    child.stderr.on('data', (c) => {
      stderr += c
      onStderr?.(stderr, () => child.kill('SIGTERM'))
    })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

let receiver = ''
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.end('{"received":true}'))
})
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver = `127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.close()
  // The README's `inbox` lines name the queue `orders` under the default prefix: BullMQ leaves
  // that queue's meta key in the test database.
  const redis = connect()
  await deleteKeys(redis, '{hookguard}:orders:')
  await redis.quit()
})

describe('packages/cli/README.md', () => {
  // Every command line of its shell blocks, as written (npm/npx lines install rather than run).
  const lines = blocks(readme('packages/cli/README.md'))
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.text.split('\n'))
    .filter((line) => line.trim() !== '' && !/^(npm|npx) /.test(line))

  it('has an example for every command', () => {
    for (const command of ['sign', 'send', 'verify', 'listen', 'inbox']) {
      expect(lines.some((l) => l.includes(`hookguard ${command} `))).toBe(true)
    }
  })

  it.concurrent.each(lines)('%s', { timeout: 90_000 }, async (line) => {
    const expected = Number(/# exit (\d)$/.exec(line)?.[1] ?? 0)
    const command = line.replace(/\s*# exit \d$/, '').replaceAll('localhost:3000', receiver)
    const dir = readmeDir()
    if (command.startsWith('hookguard listen')) {
      const result = await sh(
        `exec ${command.replace('--port 4000', '--port 0')}`,
        dir,
        (text, stop) => {
          if (text.includes('listening on')) stop()
        },
      )
      expect(result.stderr).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+/)
      expect(result.code).toBe(0)
      return
    }
    const result = await sh(command, dir)
    expect(result.code, result.stderr).toBe(expected)
    expect(result.stdout).not.toBe('')
  })

  it('lists every finding code with the number of corpus cases it is the first finding for', () => {
    const table = readme('packages/cli/README.md')
    for (const code of Object.keys(FINDING_CODES)) {
      const count = fixtures.filter((f) => f.expect === code).length
      expect(table, code).toMatch(new RegExp(`^\\| \`${code}\` +\\| [^|]+\\| +${count} +\\|$`, 'm'))
    }
  })
})

describe('README.md: Debugging a failing signature', () => {
  const section =
    readme('README.md').split('## Debugging a failing signature')[1]?.split('\n## ')[0] ?? ''
  const [headers, command, output] = blocks(section)

  it('shows the captured headers of the corpus case', () => {
    expect(headers?.text).toBe(
      `${Object.entries(reserialized.request.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n`,
    )
  })

  it('shows exactly what the command prints', async () => {
    expect(command?.lang).toBe('sh')
    const result = await sh(command?.text.trim() ?? '', readmeDir())
    expect(result.code).toBe(1)
    expect(result.stdout).toBe(output?.text)
  })
})
