import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { BODY, type EVENT, MiB, NOW, SECRET, signedJson } from '@hookguard/test-kit'
import type { ErrorRequestHandler } from 'express'
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { webhook } from './middleware.js'
import { type ExpressModule, versions } from './test-versions.js'

/** A webhook app on a real socket, with hooks to observe what reached it. */
function start(express: ExpressModule) {
  const app = express()
  const errors: unknown[] = []
  const arrived: Array<() => void> = []
  app.post(
    '/webhooks',
    (_req, _res, next) => {
      for (const notify of arrived.splice(0)) notify()
      next()
    },
    webhook({ secret: SECRET, now: NOW }),
    (req, res) => res.json({ id: (req.webhook as typeof EVENT).id }),
  )
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    errors.push(error)
    res.status(error.status ?? 500).end()
  }
  app.use(onError)
  return new Promise<{
    server: Server
    url: string
    errors: unknown[]
    nextArrival: () => Promise<void>
  }>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        server,
        url: `http://127.0.0.1:${port}`,
        errors,
        nextArrival: () => new Promise((notify) => arrived.push(notify)),
      })
    })
  })
}

let running: Server | undefined
afterEach(async () => {
  const server = running
  running = undefined
  if (!server) return
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

async function postValid(url: string) {
  const response = await fetch(`${url}/webhooks`, {
    method: 'POST',
    headers: signedJson(BODY),
    body: BODY,
  })
  return { status: response.status, json: await response.json() }
}

describe.each(versions)('webhook() over a real socket on $name', ({ express }) => {
  it('accepts a signed event sent with fetch', async () => {
    const { server, url } = await start(express)
    running = server
    expect(await postValid(url)).toEqual({ status: 200, json: { id: 'evt_1' } })
  })

  // fetch pushes all 50 MiB before it reads the 413: seconds on a loaded machine.
  it('refuses a 50 MiB upload with 413 JSON and stays healthy', { timeout: 30_000 }, async () => {
    const { server, url } = await start(express)
    running = server
    const huge = Buffer.alloc(50 * MiB, 0x61)
    const response = await fetch(`${url}/webhooks`, {
      method: 'POST',
      headers: signedJson(huge),
      body: huge,
    })
    expect(response.status).toBe(413)
    // Read away before the answer (within core's drain bound), so the connection stays usable.
    expect(response.headers.get('connection')).toBe('keep-alive')
    expect(await response.json()).toEqual({ error: expect.any(String), code: 'PAYLOAD_TOO_LARGE' })
    const next = await fetch(`${url}/webhooks`, {
      method: 'POST',
      headers: signedJson(BODY),
      body: BODY,
    })
    expect(next.headers.get('connection')).toBe('keep-alive')
    expect(await next.json()).toEqual({ id: 'evt_1' })
  })

  it('answers 413 to an endless chunked upload without waiting for its end', async () => {
    const { server, url } = await start(express)
    running = server
    // The stream never ends on its own: only an adapter that stops reading can answer.
    let produced = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        produced += 64 * 1024
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x61))
      },
    })
    const response = await fetch(`${url}/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': '1',
        'x-webhook-signature': 'v1=00',
      },
      body: endless,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
    expect((await response.json()).code).toBe('PAYLOAD_TOO_LARGE')
    expect(produced).toBeGreaterThan(MiB)
    await endless.cancel().catch(() => {})
    expect(await postValid(url)).toEqual({ status: 200, json: { id: 'evt_1' } })
  })

  it('survives a client that aborts mid-body, and serves the next request', async () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
    onTestFinished(() => debug.mockRestore())
    const { server, url, errors, nextArrival } = await start(express)
    running = server
    const { port } = server.address() as AddressInfo
    const arrived = nextArrival()
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write(
      'POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100000\r\n\r\n{"id":"evt_partial",',
    )
    await arrived
    socket.destroy()
    // One debug line through the logger (console by default), never Express's error handlers.
    await expect.poll(() => debug.mock.calls.length).toBe(1)
    expect(debug.mock.calls[0]?.[0]).toEqual({ code: 'ECONNABORTED' })
    expect(await postValid(url)).toEqual({ status: 200, json: { id: 'evt_1' } })
    expect(errors).toEqual([])
  })
})
