import {
  BODY,
  countingStream,
  EVENT,
  MiB,
  NOW,
  SECRET,
  signedInit,
  signHookguard,
} from '@hookguard/test-kit'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { validator } from 'hono/validator'
import { describe, expect, it, vi } from 'vitest'
import type { WebhookEnv } from './types.js'
import { webhook } from './webhook.js'

function guarded(before: MiddlewareHandler | undefined, options = {}) {
  const app = new Hono()
  let handled = 0
  app.onError((error, c) => c.json({ unexpected: error.message }, 500))
  const route = webhook({ secret: SECRET, now: NOW, ...options })
  const handler = (c: Context<WebhookEnv>) => {
    handled++
    return c.json({ event: c.get('webhook') })
  }
  if (before) app.post('/webhooks', before, route, handler)
  else app.post('/webhooks', route, handler)
  return { app, handled: () => handled }
}

async function codeOf(response: Response) {
  return (await response.json()) as { code: string; error: string }
}

describe('the body stays readable after webhook()', () => {
  it('c.req.text(), c.req.json(), c.req.arrayBuffer(), bytes() and blob(), repeatedly', async () => {
    const app = new Hono()
    app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), async (c) => {
      const arrayBuffer = await c.req.arrayBuffer()
      return c.json({
        text: await c.req.text(),
        textAgain: await c.req.text(),
        json: await c.req.json(),
        bytes: arrayBuffer.byteLength,
        sameBytes: (await c.req.bytes()).byteLength,
        blob: (await c.req.blob()).size,
      })
    })
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(200)
    const length = new TextEncoder().encode(BODY).byteLength
    expect(await response.json()).toEqual({
      text: BODY,
      textAgain: BODY,
      json: EVENT,
      bytes: length,
      sameBytes: length,
      blob: length,
    })
  })

  it('gives later handlers the exact bytes, BOM included', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(BODY)])
    const app = new Hono()
    app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), async (c) =>
      c.json({ bytes: [...new Uint8Array(await c.req.arrayBuffer())] }),
    )
    const response = await app.request('/webhooks', signedInit(bytes))
    expect(response.status).toBe(200)
    expect((await response.json()) as { bytes: number[] }).toEqual({ bytes: [...bytes] })
  })

  it('caches exactly the body when a chunk is a view into a larger buffer', async () => {
    // Runtimes may hand out chunks that share one pooled buffer.
    const encoded = new TextEncoder().encode(BODY)
    const pool = new Uint8Array(encoded.byteLength + 64).fill(0x7b)
    pool.set(encoded, 32)
    const view = pool.subarray(32, 32 + encoded.byteLength)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(view)
        controller.close()
      },
    })
    const app = new Hono()
    app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), async (c) =>
      c.json({ bytes: (await c.req.arrayBuffer()).byteLength, json: await c.req.json() }),
    )
    const response = await app.request('/webhooks', {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: signHookguard(BODY),
    } as RequestInit)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ bytes: encoded.byteLength, json: EVENT })
  })

  it('lets a second webhook() on the same request verify the same bytes', async () => {
    const app = new Hono()
    app.use('/webhooks', webhook({ secret: SECRET, now: NOW }))
    app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), async (c) =>
      c.json({ text: await c.req.text() }),
    )
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ text: BODY })
  })

  it("feeds Hono's json validator placed after it", async () => {
    const app = new Hono()
    app.post(
      '/webhooks',
      webhook({ secret: SECRET, now: NOW }),
      validator('json', (value) => value as typeof EVENT),
      (c) => c.json({ validated: c.req.valid('json').data.object.id }),
    )
    const response = await app.request('/webhooks', signedInit())
    expect(await response.json()).toEqual({ validated: 'ord_1' })
  })
})

describe('body size limit, enforced while streaming', () => {
  it('refuses a streamed body without Content-Length past the limit (413), reading the rest away first', async () => {
    const { stream, state } = countingStream(50 * MiB)
    const { app, handled } = guarded(undefined)
    const response = await app.request('/webhooks', {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: signHookguard(BODY),
    } as RequestInit)
    expect(response.status).toBe(413)
    expect((await codeOf(response)).code).toBe('PAYLOAD_TOO_LARGE')
    // Read to its end and dropped (within core's drain bound, 64 MiB), so a sender still
    // uploading reads the 413; core's body tests cover the cut past the bound.
    expect(state.pulled).toBe(50 * MiB)
    expect(handled()).toBe(0)
  })

  it('refuses a declared 50 MiB body from its Content-Length without collecting it (413)', async () => {
    const { stream, state } = countingStream(50 * MiB)
    const { app, handled } = guarded(undefined)
    const response = await app.request('/webhooks', {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { ...signHookguard(BODY), 'content-length': String(50 * MiB) },
    } as RequestInit)
    expect(response.status).toBe(413)
    expect((await codeOf(response)).code).toBe('PAYLOAD_TOO_LARGE')
    // Read away, never collected, before the answer (see core's drain bounds).
    expect(state.pulled).toBe(50 * MiB)
    expect(handled()).toBe(0)
  })

  it('applies the limit to a body an earlier middleware already read', async () => {
    const { app } = guarded(
      async (c, next) => {
        await c.req.text()
        await next()
      },
      { maxBodyBytes: 32 },
    )
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(413)
    expect((await codeOf(response)).code).toBe('PAYLOAD_TOO_LARGE')
  })
})

describe('a body an earlier middleware already read', () => {
  it("verifies from Hono's cache after c.req.json() (current Hono 4 caches it as text)", async () => {
    const { app } = guarded(async (c, next) => {
      expect(await c.req.json()).toEqual(EVENT)
      await next()
    })
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ event: EVENT })
  })

  it("verifies from Hono's cache after c.req.arrayBuffer(), byte for byte", async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(BODY)])
    const { app } = guarded(async (c, next) => {
      await c.req.arrayBuffer()
      await next()
    })
    expect((await app.request('/webhooks', signedInit(bytes))).status).toBe(200)
  })

  it('says why when a text-cached body lost its BOM (still INVALID_SIGNATURE, with the fix)', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(BODY)])
    const { app, handled } = guarded(async (c, next) => {
      await c.req.text()
      await next()
    })
    const response = await app.request('/webhooks', signedInit(bytes))
    expect(response.status).toBe(401)
    const body = await codeOf(response)
    expect(body.code).toBe('INVALID_SIGNATURE')
    expect(body.error).toMatch(/text cache/)
    expect(body.error).toMatch(/Register webhook\(\) before/)
    expect(handled()).toBe(0)
  })

  it('is RAW_BODY_UNAVAILABLE (500) when only a parsed JSON value is cached (older Hono c.req.json())', async () => {
    // What `c.req.json()` did in older Hono 4 releases: cache the parsed object under `json` only.
    const { app, handled } = guarded(async (c, next) => {
      c.req.bodyCache.json = c.req.raw.json()
      await c.req.bodyCache.json
      await next()
    })
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(500)
    const body = await codeOf(response)
    expect(body.code).toBe('RAW_BODY_UNAVAILABLE')
    expect(body.error).toMatch(/parsed/)
    expect(body.error).toMatch(/Register webhook\(\) before/)
    expect(handled()).toBe(0)
  })

  it("reads the stream when a parsed entry sits next to an unread body (Hono 4.12's parseBody())", async () => {
    // Hono 4.12's c.req.parseBody() on a JSON request cached a plain `{}` and read nothing.
    const { app } = guarded(async (c, next) => {
      ;(c.req.bodyCache as Record<string, unknown>).parsedBody = {}
      await next()
    })
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ event: EVENT })
  })

  it('is RAW_BODY_UNAVAILABLE (500) after c.req.formData(), which keeps only the parsed form', async () => {
    const form = 'payload=%7B%22id%22%3A%22evt_1%22%7D&x=1'
    const { app } = guarded(async (c, next) => {
      await c.req.formData()
      await next()
    })
    const response = await app.request(
      '/webhooks',
      signedInit(form, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    )
    expect(response.status).toBe(500)
    expect((await codeOf(response)).code).toBe('RAW_BODY_UNAVAILABLE')
  })

  it('is RAW_BODY_UNAVAILABLE (500) after c.req.raw.json(), which Hono does not cache', async () => {
    const { app } = guarded(async (c, next) => {
      await c.req.raw.json()
      await next()
    })
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(500)
    const body = await codeOf(response)
    expect(body.code).toBe('RAW_BODY_UNAVAILABLE')
    expect(body.error).toMatch(/c\.req\.raw/)
  })

  it('is RAW_BODY_UNAVAILABLE (500), not a hang, when another reader holds the stream', async () => {
    const { app } = guarded(async (c, next) => {
      c.req.raw.body?.getReader()
      await next()
    })
    const response = await app.request('/webhooks', signedInit())
    expect(response.status).toBe(500)
    expect((await codeOf(response)).code).toBe('RAW_BODY_UNAVAILABLE')
  })

  it('is RAW_BODY_UNAVAILABLE (500) when the earlier read failed and left a rejected cache', async () => {
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'))
      },
    })
    const { app } = guarded(async (c, next) => {
      await c.req.text().catch(() => {})
      await next()
    })
    const response = await app.request('/webhooks', {
      method: 'POST',
      body: broken,
      duplex: 'half',
      headers: signHookguard(BODY),
    } as RequestInit)
    expect(response.status).toBe(500)
    expect((await codeOf(response)).code).toBe('RAW_BODY_UNAVAILABLE')
  })

  it("answers a body stream that breaks mid-read 400 ECONNABORTED with one debug line, not Hono's error handler", async () => {
    let sent = false
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error('connection reset'))
        sent = true
        controller.enqueue(new TextEncoder().encode(BODY.slice(0, 10)))
      },
    })
    const logger = { debug: vi.fn(), warn: vi.fn(), error: vi.fn() }
    const { app, handled } = guarded(undefined, { logger })
    const response = await app.request('/webhooks', {
      method: 'POST',
      body: broken,
      duplex: 'half',
      headers: signHookguard(BODY),
    } as RequestInit)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'ECONNABORTED' })
    expect(handled()).toBe(0)
    expect(logger.debug.mock.calls).toEqual([
      [{ code: 'ECONNABORTED' }, expect.stringMatching(/connection reset/)],
    ])
    expect(logger.warn).not.toHaveBeenCalled()
    expect(logger.error).not.toHaveBeenCalled()
  })
})
