import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { bodyBytes, fixture } from '@hookguard/test-kit/explain-corpus'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin, cleanEnv, hookguard, scratch } from './run.js'

// SGR sequences (colours, bold, dim): what NO_COLOR and pipes must never see.
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[\\d;]*m`)

/** Runs the binary on a pseudo-terminal (util-linux `script`) and returns what the terminal got. */
function onTerminal(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const command = [bin(), ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      env: cleanEnv({ TERM: 'xterm-256color', COLUMNS: '120', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.on('error', reject)
    child.on('close', () => resolve(output))
  })
}

let url = ''
const server = createServer((_req, res) => {
  // Slow enough that the bar is drawn while deliveries are in flight.
  setTimeout(() => res.end('{"received":true}'), 30)
})
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(() => {
  server.close()
})

describe('on a terminal and in a pipe', () => {
  const sendArgs = () => ['send', url, '--secret', 's', '--count', '20', '--concurrency', '2']

  it('send draws a progress bar and colours on a terminal', async () => {
    const output = await onTerminal(sendArgs())
    expect(output).toContain('█')
    expect(output).toContain('20/20 deliveries')
    expect(output).toMatch(SGR)
    expect(output).toContain('20 deliveries (0 duplicates)')
  })

  it('send in a pipe: no bar, no escape codes', async () => {
    const result = await hookguard(sendArgs())
    expect(result.code).toBe(0)
    expect(result.stdout + result.stderr).not.toContain('█')
    expect(result.stdout + result.stderr).not.toContain(`${String.fromCharCode(27)}[`)
  })

  it('NO_COLOR on a terminal: the bar, but no colours; --no-progress: no bar', async () => {
    const noColor = await onTerminal(sendArgs(), { NO_COLOR: '1' })
    expect(noColor).toContain('█')
    expect(noColor).not.toMatch(SGR)
    const noBar = await onTerminal([...sendArgs(), '--no-progress', '--no-color'])
    expect(noBar).not.toContain('█')
    expect(noBar).not.toMatch(SGR)
  })

  it('verify --explain is coloured on a terminal only, and never with NO_COLOR', async () => {
    const f = fixture('stripe-express-json-reserialized')
    const dir = scratch({ 'h.json': JSON.stringify(f.request.headers), body: bodyBytes(f) })
    const args = [
      'verify',
      '--explain',
      '--scheme',
      'stripe',
      '--headers',
      join(dir, 'h.json'),
      '--body',
      join(dir, 'body'),
      '--now',
      f.now,
      '--secret',
      f.secret,
    ]
    const tty = await onTerminal(args)
    expect(tty).toMatch(SGR)
    expect(tty).toContain('BODY_RESERIALIZED')
    const noColor = await onTerminal(args, { NO_COLOR: '1' })
    expect(noColor).not.toMatch(SGR)
    expect(noColor).toContain('BODY_RESERIALIZED')
    const piped = await hookguard(args)
    expect(piped.stdout).not.toMatch(SGR)
    expect(piped.stdout.replaceAll('\n', '')).toBe(
      noColor.replaceAll('\r\n', '').replaceAll('\n', ''),
    )
  })
})
