import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { BODY, EVENT, MiB, signHookguard } from '@hookguard/test-kit'
import { Context, Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { webhook } from './webhook.js'

// Real sockets and the real clock: requests are signed at the current time.
const SECRET = 'whsec_node_server_test'
const now = () => Math.floor(Date.now() / 1000)

let server: ServerType
let base: string

beforeAll(async () => {
  const app = new Hono()
  app.post('/webhooks', webhook<typeof EVENT>({ secret: SECRET }), async (c) =>
    c.json({
      id: c.get('webhook').id,
      bytes: (await c.req.arrayBuffer()).byteLength,
      text: await c.req.text(),
    }),
  )
  app.get('/health', (c) => c.text('ok'))
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

async function healthy() {
  const response = await fetch(`${base}/health`)
  expect(response.status).toBe(200)
  expect(await response.text()).toBe('ok')
}

describe('webhook() on @hono/node-server, over a socket', () => {
  it('verifies a signed request and leaves the exact body readable', async () => {
    const response = await fetch(`${base}/webhooks`, {
      method: 'POST',
      body: BODY,
      headers: {
        'content-type': 'application/json',
        ...signHookguard(BODY, { secret: SECRET, timestamp: now() }),
      },
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      id: 'evt_1',
      bytes: new TextEncoder().encode(BODY).byteLength,
      text: BODY,
    })
  })

  it('verifies a body that arrives in many chunks', async () => {
    const big = JSON.stringify({ ...EVENT, padding: 'x'.repeat(512 * 1024) })
    const response = await fetch(`${base}/webhooks`, {
      method: 'POST',
      body: big,
      headers: signHookguard(big, { secret: SECRET, timestamp: now() }),
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { bytes: number; text: string }
    expect(body.bytes).toBe(new TextEncoder().encode(big).byteLength)
    expect(body.text).toBe(big)
  })

  it('rejects a tampered body with 401 INVALID_SIGNATURE', async () => {
    const response = await fetch(`${base}/webhooks`, {
      method: 'POST',
      body: BODY.replace('evt_1', 'evt_2'),
      headers: signHookguard(BODY, { secret: SECRET, timestamp: now() }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'INVALID_SIGNATURE' })
  })

  it('answers a declared 50 MiB upload 413 and stays healthy', { timeout: 30_000 }, async () => {
    const upload = Buffer.alloc(50 * MiB, 0x61)
    const response = await fetch(`${base}/webhooks`, {
      method: 'POST',
      body: upload,
      headers: signHookguard(BODY, { secret: SECRET, timestamp: now() }),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    await healthy()
  })

  it('answers a chunked upload without Content-Length 413 once it passes 1 MiB, and stays healthy', async () => {
    // node:http, to stream a chunked body and see the answer while still sending.
    const result = await new Promise<{ status: number; body: string; sent: number }>(
      (resolve, reject) => {
        let sent = 0
        const req = httpRequest(`${base}/webhooks`, {
          method: 'POST',
          headers: { ...signHookguard(BODY, { secret: SECRET, timestamp: now() }) },
        })
        const chunk = Buffer.alloc(64 * 1024, 0x61)
        const pump = () => {
          while (sent < 8 * MiB && !req.destroyed) {
            sent += chunk.length
            if (!req.write(chunk)) return req.once('drain', pump)
          }
          req.end()
        }
        req.on('response', (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (data) => {
            body += data
          })
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body, sent })
            req.destroy()
          })
        })
        // The server may close the connection on a body it will not read: that is fine once answered.
        req.on('error', (error) => reject(error))
        pump()
      },
    )
    expect(result.status).toBe(413)
    expect(JSON.parse(result.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    expect(result.sent).toBeGreaterThan(MiB)
    await healthy()
  })

  it('runs on handlers after the answer without reading c.executionCtx (it throws on Node)', async () => {
    const ran: string[] = []
    const app = new Hono()
    app.post(
      '/webhooks',
      webhook<typeof EVENT>({ secret: SECRET, on: { '*': (e) => void ran.push(e.id) } }),
    )
    const processing = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    const getter = vi.spyOn(Context.prototype, 'executionCtx', 'get')
    try {
      const { port } = processing.address() as AddressInfo
      const response = await fetch(`http://127.0.0.1:${port}/webhooks`, {
        method: 'POST',
        body: BODY,
        headers: signHookguard(BODY, { secret: SECRET, timestamp: now() }),
      })
      expect(response.status).toBe(200)
      await vi.waitFor(() => expect(ran).toEqual(['evt_1']))
      expect(getter).not.toHaveBeenCalled()
    } finally {
      getter.mockRestore()
      await new Promise((resolve) => processing.close(resolve))
    }
  })
})
