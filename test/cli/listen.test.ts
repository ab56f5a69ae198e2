import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fixture } from '@hookguard/test-kit/explain-corpus'
import { describe, expect, it } from 'vitest'
import { hookguard, hookguardServer } from './run.js'

const SECRET = 'whsec_cli_listen_test_secret'

describe('hookguard listen', () => {
  it('verifies and prints what send sends, one JSON line each; exits 0 on SIGTERM', async () => {
    const listen = await hookguardServer(
      ['listen', '--port', '0', '--scheme', 'github', '--secret-env', 'S', '--json'],
      { S: SECRET },
    )
    const sent = await hookguard(
      [
        'send',
        `${listen.url}/hooks`,
        '--scheme',
        'github',
        '--secret-env',
        'S',
        '--count',
        '3',
        '--json',
      ],
      { env: { S: SECRET } },
    )
    expect(sent.code, sent.stderr).toBe(0)
    listen.child.kill('SIGTERM')
    expect(await listen.exited).toBe(0)
    const lines = listen
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toHaveLength(3)
    for (const line of lines) {
      expect(line).toMatchObject({
        verdict: 'valid',
        scheme: 'github',
        type: 'issues.opened',
        status: 200,
        forwarded: false,
      })
      expect(line.event.action).toBe('opened')
    }
    expect(lines.map((l) => l.id).sort()).toEqual(
      JSON.parse(sent.stdout)
        .results.map((r: { id: string }) => r.id)
        .sort(),
    )
  })

  it('answers a bad signature with 401 and prints the diagnosis', async () => {
    const listen = await hookguardServer(
      ['listen', '--port', '0', '--scheme', 'stripe', '--secret-env', 'S'],
      { S: 'whsec_8KqZ3vN1pXr7TbLm2YdWc5HsE9fGjA4u' },
    )
    const f = fixture('stripe-express-json-reserialized')
    const { 'content-length': _length, ...headers } = f.request.headers
    const response = await fetch(listen.url, { method: 'POST', headers, body: f.request.body })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: 'No signature matched the payload',
      code: 'INVALID_SIGNATURE',
    })
    listen.child.kill('SIGTERM')
    await listen.exited
    expect(listen.output()).toContain('✗ → 401')
    expect(listen.output()).toContain('BODY_RESERIALIZED')
  })

  it('--forward hands verified deliveries to the app and relays its answer; 502 when the app is down', async () => {
    const received: Array<{ body: string; signature: string | undefined }> = []
    const app = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-webhook-signature'] as string })
        res.writeHead(202, { 'content-type': 'application/json' })
        res.end('{"queued":true}')
      })
    })
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhooks`
    const listen = await hookguardServer(
      [
        'listen',
        '--port',
        '0',
        '--path',
        '/webhooks',
        '--forward',
        appUrl,
        '--secret-env',
        'S',
        '--json',
      ],
      { S: SECRET },
    )
    const sent = await hookguard(
      ['send', `${listen.url}/webhooks`, '--secret-env', 'S', '--count', '2', '--json'],
      { env: { S: SECRET } },
    )
    expect(JSON.parse(sent.stdout).statuses).toEqual({ 202: 2 })
    expect(received).toHaveLength(2)
    // The app gets the raw body and the signature headers, so it can verify again.
    expect(JSON.parse(received[0]?.body ?? '').type).toBe('order.created')
    expect(received[0]?.signature).toMatch(/^v1=[0-9a-f]{64}$/)
    const wrongPath = await fetch(`${listen.url}/other`, { method: 'POST', body: '{}' })
    expect(wrongPath.status).toBe(404)
    await new Promise((resolve) => app.close(resolve))
    const down = await hookguard(
      ['send', `${listen.url}/webhooks`, '--secret-env', 'S', '--json'],
      { env: { S: SECRET } },
    )
    expect(JSON.parse(down.stdout).statuses).toEqual({ 502: 1 })
    expect(down.code).toBe(1)
    listen.child.kill('SIGTERM')
    await listen.exited
    const lines = listen
      .output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => [l.status, l.forwarded])).toEqual([
      [202, true],
      [202, true],
      [502, false],
    ])
  })

  it('a port in use is a usage error', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const port = (busy.address() as AddressInfo).port
    const result = await hookguard(['listen', '--port', String(port), '--secret', SECRET])
    busy.close()
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(`error: port ${port} is in use\n`)
  })
})
