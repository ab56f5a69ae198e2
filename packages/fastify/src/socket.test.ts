import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { BODY, EVENT, MiB, NOW, SECRET } from '@hookguard/test-kit'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { hookguard } from './index.js'
import { signedJson, versions } from './test-harness.js'

interface Upload {
  status: number | undefined
  body: string
  /** Bytes the client managed to hand to its socket before the server stopped it. */
  written: number
}

/**
 * Streams `total` bytes to the server in 64 KiB chunks, honouring backpressure, until the
 * server answers or closes. `declared` sends a Content-Length, otherwise the body is chunked.
 */
function upload(url: string, total: number, declared: boolean): Promise<Upload> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    const result: Upload = { status: undefined, body: '', written: 0 }
    let settled = false
    const finish = () => {
      if (settled) return
      settled = true
      resolve(result)
    }
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        ...signedJson('irrelevant'),
        ...(declared ? { 'content-length': String(total) } : {}),
      },
    })
    req.on('response', (res) => {
      result.status = res.statusCode
      res.setEncoding('utf8')
      res.on('data', (text: string) => {
        result.body += text
      })
      res.on('end', finish)
      res.on('error', finish)
    })
    // The server closing mid-upload is expected; what matters is the answer it gave first.
    req.on('error', finish)
    req.on('close', () => setTimeout(finish, 50))
    const pump = () => {
      while (result.written < total && !req.destroyed && result.status === undefined) {
        result.written += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      if (result.written >= total) req.end()
    }
    pump()
  })
}

describe.each(versions)('$name over a real socket', ({ fastify }) => {
  let app: FastifyInstance
  let base: string
  const logs: string[] = []

  async function start() {
    logs.length = 0
    app = fastify({
      logger: { level: 'debug', stream: { write: (line: string) => logs.push(line) } },
    })
    await app.register(async (webhooks) => {
      await webhooks.register(hookguard, { secret: SECRET, now: NOW })
      webhooks.post('/webhooks', async (request) => ({ event: request.webhook }))
    })
    app.post('/api/echo', async (request) => ({ body: request.body }))
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  }

  afterEach(async () => {
    await app.close()
  })

  const healthy = async () => {
    const res = await fetch(`${base}/webhooks`, {
      method: 'POST',
      body: BODY,
      headers: signedJson(BODY),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ event: EVENT })
    const echo = await fetch(`${base}/api/echo`, {
      method: 'POST',
      body: JSON.stringify({ still: 'parsing' }),
      headers: { 'content-type': 'application/json' },
    })
    expect(await echo.json()).toEqual({ body: { still: 'parsing' } })
  }

  it('verifies a signed request sent with fetch', async () => {
    await start()
    await healthy()
    const forged = await fetch(`${base}/webhooks`, {
      method: 'POST',
      body: BODY,
      headers: signedJson(BODY, { secret: 'not-the-secret' }),
    })
    expect(forged.status).toBe(401)
    expect(await forged.json()).toEqual({ error: expect.any(String), code: 'INVALID_SIGNATURE' })
  })

  it('refuses a 50 MiB declared upload with 413 once it is read away, then stays healthy', {
    timeout: 30_000,
  }, async () => {
    await start()
    const result = await upload(`${base}/webhooks`, 50 * MiB, true)
    expect(result.status).toBe(413)
    expect(JSON.parse(result.body)).toEqual({
      error: expect.any(String),
      code: 'PAYLOAD_TOO_LARGE',
    })
    // Core reads the rest away (within its drain bound) before the 413, never collecting it.
    expect(result.written).toBe(50 * MiB)
    await healthy()
  })

  it('refuses a 50 MiB chunked upload with 413 once it is read away, then stays healthy', {
    timeout: 30_000,
  }, async () => {
    await start()
    const result = await upload(`${base}/webhooks`, 50 * MiB, false)
    expect(result.status).toBe(413)
    expect(JSON.parse(result.body).code).toBe('PAYLOAD_TOO_LARGE')
    // Core reads the rest away (within its drain bound) before the 413, never collecting it.
    expect(result.written).toBe(50 * MiB)
    await healthy()
  })

  it('survives a client that disconnects halfway through the body', async () => {
    await start()
    const { port } = new URL(base)
    const socket = connect(Number(port), '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    const headers = signedJson(BODY)
    socket.write(
      `POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${BODY.length}\r\n` +
        `Content-Type: application/json\r\nX-Webhook-Timestamp: ${headers['x-webhook-timestamp']}\r\n` +
        `X-Webhook-Signature: ${headers['x-webhook-signature']}\r\n\r\n${BODY.slice(0, 20)}`,
    )
    // Let the server start reading the body before the client goes away.
    await vi.waitFor(() =>
      expect(logs.some((line) => line.includes('incoming request'))).toBe(true),
    )
    socket.destroy()
    // Core's body read settles (an aborted-request error) instead of waiting forever, and says so
    // in one debug line (level 20) without a stack.
    await vi.waitFor(() => expect(logs.join('\n')).toMatch(/"code":"ECONNABORTED"/))
    const aborted = logs.filter((line) => line.includes('ECONNABORTED'))
    expect(aborted).toHaveLength(1)
    expect(JSON.parse(aborted[0] as string)).toMatchObject({ level: 20 })
    expect(aborted[0]).not.toMatch(/stack/)
    await healthy()
  })
})
