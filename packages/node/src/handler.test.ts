import { connect } from 'node:net'
import { MemoryIdempotencyStore } from '@hookguard/core'
import express from 'express'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { webhookHandler } from './handler.js'
import type { WebhookRequest } from './options.js'
import {
  BODY,
  EVENT,
  listen,
  NOW,
  type OrderEvent,
  post,
  postChunked,
  type Running,
  SECRET,
  signHookguard,
  tick,
} from './test-helpers.js'

let running: Running | undefined
afterEach(async () => {
  await running?.close()
  running = undefined
})

const quiet = () => ({ debug: vi.fn(), warn: vi.fn(), error: vi.fn() })

describe('webhookHandler() on http.createServer', () => {
  it('verifies the raw body and calls the handler with the event, req and res', async () => {
    const handle = webhookHandler<OrderEvent>({
      secret: SECRET,
      now: NOW,
      handler: (event, req, res) => {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ id: event.id, same: req.webhook === event, url: req.url }))
      },
    })
    running = await listen(handle)
    const response = await post(`${running.url}/hooks`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ id: 'evt_1', same: true, url: '/hooks' })
  })

  it('answers a tampered body 401 INVALID_SIGNATURE without calling the handler', async () => {
    const handler = vi.fn()
    running = await listen(webhookHandler({ secret: SECRET, now: NOW, handler }))
    const response = await post(running.url, BODY.replace('4200', '1'), signHookguard(BODY))
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toMatch(/application\/json/)
    expect(await response.json()).toMatchObject({ code: 'INVALID_SIGNATURE' })
    expect(handler).not.toHaveBeenCalled()
  })

  it('answers 413 that the client reads, declared (2 MiB) or chunked, and keeps serving', async () => {
    const handler = vi.fn((_event, _req, res) => res.end('ok'))
    running = await listen(
      webhookHandler({ secret: SECRET, now: NOW, maxBodyBytes: 64 * 1024, handler }),
    )
    const big = 'x'.repeat(2 * 1024 * 1024)
    const declared = await post(running.url, big)
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    const chunked = await postChunked(running.url, 8, 16 * 1024)
    expect(chunked.status).toBe(413)
    expect(JSON.parse(chunked.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    expect((await post(running.url)).status).toBe(200)
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('uses a rawBody the host kept (Cloud Functions, Firebase)', async () => {
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      handler: (_e, _req, res) => res.end('ok'),
    })
    running = await listen(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      Object.assign(req, { rawBody: Buffer.concat(chunks), body: { parsed: true } })
      await handle(req, res)
    })
    const response = await post(running.url)
    expect(response.status).toBe(200)
  })

  it('answers 500 RAW_BODY_UNAVAILABLE, naming the Next.js fix, when a parser read the body', async () => {
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      handler: (_e, _req, res) => res.end(),
    })
    running = await listen(async (req, res) => {
      for await (const _ of req) {
        // a body parser that keeps only its parsed value
      }
      await handle(req, res)
    })
    const response = await post(running.url)
    expect(response.status).toBe(500)
    const body = (await response.json()) as { code: string; error: string }
    expect(body.code).toBe('RAW_BODY_UNAVAILABLE')
    expect(body.error).toMatch(/bodyParser: false/)
  })

  it('answers 500 and logs when the handler throws, and survives a client aborting mid-body', async () => {
    const logger = quiet()
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      logger,
      handler: () => {
        throw new Error('database down')
      },
    })
    running = await listen(handle)
    const response = await post(running.url)
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ code: 'HANDLER_FAILED' })
    expect(logger.error).toHaveBeenCalledTimes(1)

    const { port } = new URL(running.url)
    const socket = connect(Number(port), '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"id":')
    await tick(20)
    socket.destroy()
    await vi.waitFor(() => expect(logger.debug).toHaveBeenCalledTimes(1))
    expect(logger.debug.mock.calls[0]).toEqual([
      { code: 'ECONNABORTED' },
      expect.stringMatching(/aborted/),
    ])
    expect(logger.error).toHaveBeenCalledTimes(1)
    expect((await post(running.url)).status).toBe(500)
  })

  it('lets onError answer a rejection, and falls back to the default when it does not', async () => {
    const seen: string[] = []
    running = await listen(
      webhookHandler({
        secret: SECRET,
        now: NOW,
        handler: (_e, _req, res) => res.end(),
        onError: (error, req, res) => {
          seen.push(error.code)
          if (req.url === '/custom') res.writeHead(400).end(error.code)
        },
      }),
    )
    const custom = await fetch(`${running.url}/custom`, { method: 'POST', body: BODY })
    expect(custom.status).toBe(400)
    expect(await custom.text()).toBe('MISSING_HEADER')
    const fallback = await fetch(running.url, { method: 'POST', body: BODY })
    expect(fallback.status).toBe(401)
    expect(seen).toEqual(['MISSING_HEADER', 'MISSING_HEADER'])
  })

  it('answers 500 and says why when it has no handler and no next', async () => {
    const logger = quiet()
    running = await listen(webhookHandler({ secret: SECRET, now: NOW, logger }))
    expect((await post(running.url)).status).toBe(500)
    expect(String(logger.error.mock.calls[0]?.[0]?.error)).toMatch(/no on handlers and no handler/)
  })
})

describe('webhookHandler() with on handlers', () => {
  it("ack 'before': answers 200 first, runs the handler once, answers duplicates", async () => {
    const handled: string[] = []
    running = await listen(
      webhookHandler<OrderEvent>({
        secret: SECRET,
        now: NOW,
        on: {
          'order.*': async (event) => {
            await tick(20)
            handled.push(event.id)
          },
        },
      }),
    )
    const response = await post(running.url)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true })
    expect(handled).toEqual([])
    await vi.waitFor(() => expect(handled).toEqual(['evt_1']))
    const duplicate = await post(running.url)
    expect(await duplicate.json()).toEqual({ received: true, duplicate: true })
  })

  it("ack 'after': a failure is 500 with the claim released, so the sender's retry runs it", async () => {
    let attempts = 0
    running = await listen(
      webhookHandler({
        secret: SECRET,
        now: NOW,
        ack: 'after',
        store: new MemoryIdempotencyStore(),
        on: {
          '*': () => {
            attempts++
            if (attempts === 1) throw new Error('flaky')
          },
        },
      }),
    )
    expect((await post(running.url)).status).toBe(500)
    const retry = await post(running.url)
    expect(retry.status).toBe(200)
    expect(attempts).toBe(2)
    const other = JSON.stringify({ ...EVENT, data: {} })
    const mismatch = await post(running.url, other)
    expect(mismatch.status).toBe(422)
  })
})

describe('webhookHandler() as Connect-style middleware', () => {
  it('calls next() with the event on req.webhook, and next(error) for failures', async () => {
    const app = express()
    app.use('/webhooks', webhookHandler({ secret: SECRET, now: NOW }), (req, res) => {
      res.json({ id: (req as unknown as WebhookRequest<OrderEvent>).webhook.id })
    })
    app.use(
      '/failing',
      webhookHandler({
        secret: SECRET,
        now: NOW,
        handler: () => {
          throw new Error('boom')
        },
      }),
    )
    app.use(
      (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(502).json({ handled: error.message })
      },
    )
    running = await new Promise<Running>((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number }
        resolve({
          url: `http://127.0.0.1:${port}`,
          close: () => {
            server.closeAllConnections()
            return new Promise((done) => server.close(() => done()))
          },
        })
      })
    })
    const ok = await post(`${running.url}/webhooks`)
    expect(await ok.json()).toEqual({ id: 'evt_1' })
    const rejected = await post(`${running.url}/webhooks`, BODY, { 'x-webhook-signature': 'v1=00' })
    expect(rejected.status).toBe(401)
    const failing = await post(`${running.url}/failing`)
    expect(failing.status).toBe(502)
    expect(await failing.json()).toEqual({ handled: 'boom' })
  })
})

describe('webhookHandler() options', () => {
  it('throws a TypeError at construction for misuse', () => {
    expect(() => webhookHandler(undefined as never)).toThrow(TypeError)
    expect(() => webhookHandler({ secret: '' })).toThrow(TypeError)
    expect(() => webhookHandler({ secret: SECRET, handler: 1 as never })).toThrow(/handler must be/)
    expect(() => webhookHandler({ secret: SECRET, onError: 1 as never })).toThrow(/onError must be/)
    expect(() => webhookHandler({ secret: SECRET, logger: {} as never })).toThrow(/logger/)
    expect(() =>
      webhookHandler({ secret: SECRET, on: { '*': () => {} }, handler: () => {} }),
    ).toThrow(/not both/)
    expect(() => webhookHandler({ secret: SECRET, store: new MemoryIdempotencyStore() })).toThrow(
      TypeError,
    )
  })
})
