import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webhookHandler } from './handler.js'
import { BODY, NOW, type OrderEvent, SECRET, signedRequest, tick } from './test-helpers.js'

// The handler behind a real node:http server, through @hono/node-server's Request/Response bridge
// (what Next.js and most Node hosts of fetch handlers do), driven by real clients.
describe('webhookHandler() over a real socket', () => {
  const processed: string[] = []
  const verify = webhookHandler<OrderEvent>({
    secret: SECRET,
    now: NOW,
    maxBodyBytes: 64 * 1024,
    handler: (event) => Response.json({ received: true, id: event.id }),
  })
  const processing = webhookHandler<OrderEvent>({
    secret: SECRET,
    now: NOW,
    on: { '*': (event) => void processed.push(event.id) },
  })
  let server: ReturnType<typeof serve>
  let url: string
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = serve(
        {
          fetch: (request) =>
            new URL(request.url).pathname === '/process' ? processing(request) : verify(request),
          port: 0,
          hostname: '127.0.0.1',
        },
        (info: AddressInfo) => {
          url = `http://127.0.0.1:${info.port}`
          resolve()
        },
      )
    })
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const send = (path: string, request: Request) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      duplex: 'half',
    } as RequestInit)

  it('verifies a signed request and answers what the handler returns', async () => {
    const response = await send('/webhooks', signedRequest())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true, id: 'evt_1' })
  })

  it('acknowledges, then processes, with on handlers', async () => {
    const response = await send('/process', signedRequest())
    expect(await response.json()).toEqual({ received: true })
    await tick(20)
    expect(processed).toEqual(['evt_1'])
  })

  it('answers 401 and 413 (declared and chunked) that the client reads, and keeps serving', async () => {
    const tampered = await fetch(`${url}/webhooks`, {
      method: 'POST',
      headers: signedRequest().headers,
      body: BODY.replace('4200', '1'),
    })
    expect(tampered.status).toBe(401)

    const big = 'x'.repeat(2 * 1024 * 1024)
    const declared = await send('/webhooks', signedRequest(big))
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })

    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/webhooks`, { method: 'POST' }, (res) => {
        let body = ''
        res.on('data', (chunk) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      for (let i = 0; i < 8; i++) req.write('x'.repeat(16 * 1024))
      req.end()
    })
    expect(chunked.status).toBe(413)
    expect(JSON.parse(chunked.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })

    expect((await send('/webhooks', signedRequest())).status).toBe(200)
  })
})
