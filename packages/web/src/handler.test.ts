import { MemoryIdempotencyStore } from '@hookguard/core'
import { signSlack } from '@hookguard/test-kit'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { webhookHandler } from './handler.js'
import {
  BODY,
  countingStream,
  EVENT,
  executionContext,
  NOW,
  type OrderEvent,
  SECRET,
  signedRequest,
  tick,
} from './test-helpers.js'

const echo = (event: OrderEvent, request: Request) =>
  Response.json({ id: event.id, url: new URL(request.url).pathname })

describe('webhookHandler() with a handler', () => {
  it('verifies the raw body and calls the handler with the event, the request and the context', async () => {
    const seen: unknown[] = []
    const handle = webhookHandler<OrderEvent, { params: Promise<{ slug: string }> }>({
      secret: SECRET,
      now: NOW,
      handler: (event, request, context) => {
        expectTypeOf(event).toEqualTypeOf<OrderEvent>()
        seen.push(event, request.method, context)
        return new Response('handled', { status: 201 })
      },
    })
    const context = { params: Promise.resolve({ slug: 'x' }) }
    const response = await handle(signedRequest(), context)
    expect(response.status).toBe(201)
    expect(await response.text()).toBe('handled')
    expect(seen).toEqual([EVENT, 'POST', context])
  })

  it('answers a tampered body 401 INVALID_SIGNATURE and never calls the handler', async () => {
    const handler = vi.fn(echo)
    const handle = webhookHandler({ secret: SECRET, now: NOW, handler })
    const tampered = signedRequest(BODY)
    const response = await handle(
      new Request(tampered.url, {
        method: 'POST',
        headers: tampered.headers,
        body: BODY.replace('4200', '1'),
      }),
    )
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toMatch(/application\/json/)
    expect(await response.json()).toMatchObject({ code: 'INVALID_SIGNATURE' })
    expect(handler).not.toHaveBeenCalled()
  })

  it('answers a missing header 401 MISSING_HEADER', async () => {
    const handle = webhookHandler({ secret: SECRET, now: NOW, handler: echo })
    const response = await handle(
      new Request('http://receiver.test/', { method: 'POST', body: BODY }),
    )
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'MISSING_HEADER' })
  })

  it('refuses a declared oversized body with 413, reading it away without collecting it', async () => {
    const handle = webhookHandler({ secret: SECRET, now: NOW, maxBodyBytes: 1024, handler: echo })
    const { stream, state } = countingStream(1_000_000, 16 * 1024)
    const request = new Request('http://receiver.test/', {
      method: 'POST',
      body: stream,
      headers: { 'content-length': '1000000' },
      duplex: 'half',
    } as RequestInit)
    const response = await handle(request)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    // Read to its end and dropped before the answer (core's drain, bounded at 64 MiB), so a
    // sender still uploading reads the 413.
    expect(state.pulled).toBe(1_000_000)
  })

  it('refuses a streamed body past the limit, reading the rest away without buffering it', async () => {
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      maxBodyBytes: 64 * 1024,
      handler: echo,
    })
    const { stream, state } = countingStream(50 * 1024 * 1024, 16 * 1024)
    const request = new Request('http://receiver.test/', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit)
    const response = await handle(request)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    // Read away within the drain bound (64 MiB), never collected; core's body tests cover the cut.
    expect(state.pulled).toBe(50 * 1024 * 1024)
  })

  it('answers 500 RAW_BODY_UNAVAILABLE, naming the fix, when the body was already read', async () => {
    const handle = webhookHandler({ secret: SECRET, now: NOW, handler: echo })
    const request = signedRequest()
    await request.text()
    const response = await handle(request)
    expect(response.status).toBe(500)
    const body = (await response.json()) as { code: string; error: string }
    expect(body.code).toBe('RAW_BODY_UNAVAILABLE')
    expect(body.error).toMatch(/request\.clone\(\)/)
  })

  it('answers 400 for a body that fails midway, logging one debug line', async () => {
    const debug = vi.fn()
    const error = vi.fn()
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      handler: echo,
      logger: { debug, warn: vi.fn(), error },
    })
    let sent = false
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error('socket hang up'))
        sent = true
        controller.enqueue(new TextEncoder().encode('{"id":'))
      },
    })
    const response = await handle(
      new Request('http://receiver.test/', {
        method: 'POST',
        body: broken,
        duplex: 'half',
      } as RequestInit),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'ECONNABORTED' })
    expect(debug).toHaveBeenCalledTimes(1)
    expect(debug.mock.calls[0]).toEqual([
      { code: 'ECONNABORTED' },
      expect.stringMatching(/socket hang up/),
    ])
    expect(error).not.toHaveBeenCalled()
  })

  it('lets onError answer a rejection', async () => {
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      handler: echo,
      onError: (error, request) =>
        new Response(`${error.code} at ${new URL(request.url).pathname}`, { status: 400 }),
    })
    const response = await handle(
      new Request('http://receiver.test/hooks', { method: 'POST', body: BODY }),
    )
    expect(response.status).toBe(400)
    expect(await response.text()).toBe('MISSING_HEADER at /hooks')
  })

  it("rejects with the handler's own error: the platform's error handling owns it", async () => {
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      handler: () => {
        throw new Error('database down')
      },
    })
    await expect(handle(signedRequest())).rejects.toThrow('database down')
  })
})

describe('webhookHandler() with on handlers', () => {
  it("ack 'before': answers 200 first, then runs the handler once", async () => {
    const handled: string[] = []
    const handle = webhookHandler<OrderEvent>({
      secret: SECRET,
      now: NOW,
      on: { 'order.created': (event) => void handled.push(event.id) },
    })
    const response = await handle(signedRequest())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true })
    expect(handled).toEqual([])
    await tick()
    expect(handled).toEqual(['evt_1'])
    const duplicate = await handle(signedRequest())
    expect(await duplicate.json()).toEqual({ received: true, duplicate: true })
    await tick()
    expect(handled).toEqual(['evt_1'])
  })

  it("hands the background work to a Workers ctx's waitUntil, called as a method", async () => {
    const handled: string[] = []
    const handle = webhookHandler<OrderEvent>({
      secret: SECRET,
      now: NOW,
      on: {
        'order.*': async (event) => {
          await tick(20)
          handled.push(event.id)
        },
      },
    })
    const { tasks, ctx } = executionContext()
    const response = await handle(signedRequest(), ctx)
    expect(response.status).toBe(200)
    expect(tasks).toHaveLength(1)
    expect(handled).toEqual([])
    await tasks[0]
    expect(handled).toEqual(['evt_1'])
  })

  it('prefers the waitUntil option (Next.js after) over the context', async () => {
    const fromOption: Promise<unknown>[] = []
    const { tasks, ctx } = executionContext()
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      on: { '*': () => {} },
      waitUntil: (task) => void fromOption.push(task),
    })
    await handle(signedRequest(), ctx)
    expect(fromOption).toHaveLength(1)
    expect(tasks).toHaveLength(0)
    await fromOption[0]
  })

  it("ack 'after': runs the handler before answering; a failure is 500 and the retry runs it", async () => {
    let attempts = 0
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      ack: 'after',
      on: {
        '*': () => {
          attempts++
          if (attempts === 1) throw new Error('flaky')
        },
      },
    })
    const first = await handle(signedRequest())
    expect(first.status).toBe(500)
    expect(await first.json()).toMatchObject({ code: 'HANDLER_FAILED' })
    const retry = await handle(signedRequest())
    expect(retry.status).toBe(200)
    expect(await retry.json()).toEqual({ received: true })
    expect(attempts).toBe(2)
  })

  it('answers 422 for the same id with another body, and 503 with Retry-After when the store is down', async () => {
    const store = new MemoryIdempotencyStore()
    const handle = webhookHandler({ secret: SECRET, now: NOW, store, on: { '*': () => {} } })
    expect((await handle(signedRequest())).status).toBe(200)
    const other = JSON.stringify({ ...EVENT, data: { object: { id: 'ord_2' } } })
    const mismatch = await handle(signedRequest(other))
    expect(mismatch.status).toBe(422)
    expect(await mismatch.json()).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' })

    const down = new MemoryIdempotencyStore()
    down.begin = () => Promise.reject(new Error('ECONNREFUSED'))
    const unavailable = webhookHandler({
      secret: SECRET,
      now: NOW,
      store: down,
      on: { '*': () => {} },
    })
    const response = await unavailable(signedRequest())
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
  })

  it("answers Slack's url_verification handshake itself", async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' })
    const handle = webhookHandler({
      secret: SECRET,
      now: NOW,
      scheme: 'slack',
      on: { '*': () => {} },
    })
    const response = await handle(
      new Request('http://receiver.test/', {
        method: 'POST',
        body,
        headers: signSlack(body),
      }),
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ challenge: 'c-123' })
  })
})

describe('webhookHandler() options', () => {
  it('throws a TypeError at construction for misuse', () => {
    expect(() => webhookHandler({ secret: SECRET } as never)).toThrow(/on handlers .* or a handler/)
    expect(() =>
      webhookHandler({ secret: SECRET, on: { '*': () => {} }, handler: echo as never }),
    ).toThrow(/not both/)
    expect(() => webhookHandler({ secret: SECRET, handler: 'nope' as never })).toThrow(TypeError)
    expect(() => webhookHandler({ secret: SECRET, handler: echo, onError: 1 as never })).toThrow(
      /onError must be a function/,
    )
    expect(() => webhookHandler({ secret: SECRET, on: {}, waitUntil: {} as never })).toThrow(
      /waitUntil must be a function/,
    )
    expect(() =>
      webhookHandler({ secret: SECRET, handler: echo, logger: { debug() {} } as never }),
    ).toThrow(/logger/)
    expect(() => webhookHandler({ secret: '', handler: echo })).toThrow(TypeError)
    expect(() => webhookHandler({ secret: SECRET, handler: echo, maxBodyBytes: 0 })).toThrow(
      TypeError,
    )
    expect(() => webhookHandler({ secret: SECRET, handler: echo, ack: 'after' })).toThrow(TypeError)
  })
})
