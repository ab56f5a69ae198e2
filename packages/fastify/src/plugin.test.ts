import { Readable } from 'node:stream'
import { hookguardScheme } from '@hookguard/core/scheme'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { type FastifyWebhookOptions, hookguard } from './index.js'
import {
  body,
  bytes,
  event,
  MiB,
  NOW,
  NOW_S,
  OTHER_SECRET,
  SECRET,
  signed,
  signedJson,
  slackSigned,
  versions,
} from './test-helpers.js'

describe.each(versions)('$name', ({ fastify, major }) => {
  const apps: FastifyInstance[] = []
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()))
  })

  /** An app with a webhook route, an opted-out route and a plain JSON route. */
  async function build(options: FastifyWebhookOptions = {}, appOptions = {}) {
    const app = fastify(appOptions)
    apps.push(app)
    await app.register(hookguard, { secret: SECRET, now: NOW, ...options })
    const calls = { webhook: 0 }
    const seen = (request: {
      webhook: unknown
      body: unknown
      headers: Record<string, unknown>
    }) => ({
      event: request.webhook,
      bodyIsEvent: request.body === request.webhook,
      contentType: request.headers['content-type'] ?? null,
    })
    app.post('/webhooks', { config: { webhook: true } }, async (request) => {
      calls.webhook++
      return seen(request)
    })
    app.post('/small', { config: { webhook: { maxBodyBytes: 1024 } } }, async (request) => {
      calls.webhook++
      return seen(request)
    })
    app.post('/opted-out', { config: { webhook: false } }, async (request) => ({
      body: request.body,
      webhook: request.webhook,
    }))
    app.post('/api/echo', async (request) => ({ body: request.body, webhook: request.webhook }))
    return { app, calls }
  }

  it(`runs on Fastify ${major}`, async () => {
    const { app } = await build()
    expect(app.version.split('.')[0]).toBe(major)
  })

  describe('verified requests', () => {
    it('sets request.webhook and request.body to the event of a signed JSON body', async () => {
      const { app, calls } = await build()
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body),
      })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ event, bodyIsEvent: true, contentType: 'application/json' })
      expect(calls.webhook).toBe(1)
    })

    it('verifies the bytes exactly as sent: BOM, odd spacing, key order, non-ASCII', async () => {
      const { app } = await build()
      const raw = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('{ "type" : "order.created",\n  "id":"evt_ü_1", "data": {"object": {}} }'),
      ])
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: raw,
        headers: { ...signed(raw), 'content-type': 'application/json; charset=utf-8' },
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toEqual({
        type: 'order.created',
        id: 'evt_ü_1',
        data: { object: {} },
      })
    })

    it("verifies Slack's form-encoded slash commands and interactions without a 415", async () => {
      const { app, calls } = await build({ scheme: 'slack' })
      const command = 'command=%2Fdeploy&text=api+v2%21&team_id=T1&trigger_id=tr.1'
      const interaction = `payload=${encodeURIComponent('{"type":"block_actions","trigger_id":"tr.2"}')}`
      const results = []
      for (const form of [command, interaction]) {
        const res = await app.inject({
          method: 'POST',
          url: '/webhooks',
          payload: form,
          headers: { ...slackSigned(form), 'content-type': 'application/x-www-form-urlencoded' },
        })
        expect(res.statusCode).toBe(200)
        results.push(res.json())
      }
      expect(results).toEqual([
        {
          event: { command: '/deploy', text: 'api v2!', team_id: 'T1', trigger_id: 'tr.1' },
          bodyIsEvent: true,
          contentType: 'application/x-www-form-urlencoded',
        },
        {
          event: { payload: { type: 'block_actions', trigger_id: 'tr.2' } },
          bodyIsEvent: true,
          contentType: 'application/x-www-form-urlencoded',
        },
      ])
      expect(calls.webhook).toBe(2)
      const forged = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: command,
        headers: {
          ...slackSigned(command, OTHER_SECRET),
          'content-type': 'application/x-www-form-urlencoded',
        },
      })
      expect(forged.json().code).toBe('INVALID_SIGNATURE')
    })

    it("answers Slack's url_verification handshake itself, without the handler", async () => {
      const { app, calls } = await build({ scheme: 'slack' })
      const handshake = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' })
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: handshake,
        headers: { ...slackSigned(handshake), 'content-type': 'application/json' },
      })
      expect([res.statusCode, res.json()]).toEqual([200, { challenge: 'c-123' }])
      expect(calls.webhook).toBe(0)
    })

    it('accepts a JSON body labelled form-encoded, which Fastify alone would refuse', async () => {
      const { app } = await build()
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: { ...signed(body), 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toEqual(event)
    })

    it('accepts a body with no content type at all', async () => {
      const { app } = await build()
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signed(body),
      })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ event, bodyIsEvent: true, contentType: null })
    })

    it('accepts an unusual or invalid content type', async () => {
      const { app } = await build()
      for (const type of ['text/xml', 'application/octet-stream', 'not a media type;;']) {
        const res = await app.inject({
          method: 'POST',
          url: '/webhooks',
          payload: body,
          headers: { ...signed(body), 'content-type': type },
        })
        expect(res.statusCode, type).toBe(200)
        expect(res.json().contentType).toBe(type)
      }
    })

    it('reads a chunked body (no Content-Length)', async () => {
      const { app } = await build()
      const chunks = [body.slice(0, 10), body.slice(10, 40), body.slice(40)]
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: Readable.from(chunks.map((chunk) => Buffer.from(chunk))),
        headers: signedJson(body),
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toEqual(event)
    })

    it('accepts a body of exactly maxBodyBytes', async () => {
      const { app } = await build({ scheme: { ...hookguardScheme, parse: (text) => text.length } })
      const raw = bytes(1024)
      const res = await app.inject({
        method: 'POST',
        url: '/small',
        payload: raw,
        headers: signed(raw),
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toBe(1024)
    })

    it("enforces maxBodyBytes instead of Fastify's bodyLimit on webhook routes", async () => {
      const { app } = await build(
        { maxBodyBytes: 4096, scheme: { ...hookguardScheme, parse: (text) => text.length } },
        { bodyLimit: 1024 },
      )
      const raw = bytes(3000)
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: raw,
        headers: { ...signed(raw), 'content-type': 'application/json' },
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toBe(3000)
    })
  })

  describe('the error table, through the plugin', () => {
    async function expectRejected(
      res: { statusCode: number; json: () => unknown },
      status: number,
      code: string,
    ) {
      expect(res.statusCode).toBe(status)
      expect(res.json()).toEqual({ error: expect.any(String), code })
    }

    it('MISSING_HEADER: 401 when the signature headers are absent', async () => {
      const { app, calls } = await build()
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: { 'content-type': 'application/json' },
      })
      await expectRejected(res, 401, 'MISSING_HEADER')
      expect(calls.webhook).toBe(0)
    })

    it('INVALID_SIGNATURE: 401 for a signature by another secret or over another body', async () => {
      const { app, calls } = await build()
      for (const headers of [signedJson(body, { secret: OTHER_SECRET }), signedJson(`${body} `)]) {
        const res = await app.inject({ method: 'POST', url: '/webhooks', payload: body, headers })
        await expectRejected(res, 401, 'INVALID_SIGNATURE')
      }
      expect(calls.webhook).toBe(0)
    })

    it('INVALID_TIMESTAMP: 401 for a timestamp that is not whole seconds', async () => {
      const { app } = await build()
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body, { timestamp: 'abc' }),
      })
      await expectRejected(res, 401, 'INVALID_TIMESTAMP')
    })

    it('TIMESTAMP_EXPIRED: 401 for an authentic request outside the tolerance', async () => {
      const { app } = await build()
      for (const timestamp of [NOW_S - 301, NOW_S + 301]) {
        const res = await app.inject({
          method: 'POST',
          url: '/webhooks',
          payload: body,
          headers: signedJson(body, { timestamp }),
        })
        await expectRejected(res, 401, 'TIMESTAMP_EXPIRED')
      }
    })

    it('INVALID_PAYLOAD: 400 for a validly signed body that is not JSON', async () => {
      const { app, calls } = await build()
      const raw = 'not json'
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: raw,
        headers: signedJson(raw),
      })
      await expectRejected(res, 400, 'INVALID_PAYLOAD')
      expect(calls.webhook).toBe(0)
    })

    it('PAYLOAD_TOO_LARGE: 413 for a declared length over the limit', async () => {
      const { app, calls } = await build()
      const raw = bytes(1025)
      const res = await app.inject({
        method: 'POST',
        url: '/small',
        payload: raw,
        headers: signedJson(raw),
      })
      await expectRejected(res, 413, 'PAYLOAD_TOO_LARGE')
      expect(res.headers.connection).toBe('close')
      expect(calls.webhook).toBe(0)
    })

    it('PAYLOAD_TOO_LARGE: 413 for a chunked body that streams past the limit', async () => {
      const { app, calls } = await build()
      const chunks = Array.from({ length: 8 }, () => Buffer.from(bytes(200)))
      const res = await app.inject({
        method: 'POST',
        url: '/small',
        payload: Readable.from(chunks),
        headers: signedJson('irrelevant'),
      })
      await expectRejected(res, 413, 'PAYLOAD_TOO_LARGE')
      expect(calls.webhook).toBe(0)
    })

    it("PAYLOAD_TOO_LARGE: 50 MiB declared gets hookguard's 413, not Fastify's", async () => {
      const { app, calls } = await build()
      let produced = 0
      const fifty = new Readable({
        read() {
          if (produced >= 50 * MiB) return void this.push(null)
          produced += 64 * 1024
          this.push(Buffer.alloc(64 * 1024, 0x20))
        },
      })
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: fifty,
        headers: { ...signedJson('irrelevant'), 'content-length': String(50 * MiB) },
      })
      await expectRejected(res, 413, 'PAYLOAD_TOO_LARGE')
      expect(res.json().code).not.toBe('FST_ERR_CTP_BODY_TOO_LARGE')
      expect(calls.webhook).toBe(0)
    })

    it('PAYLOAD_TOO_LARGE: a body over the 1 MiB default, whatever its content type', async () => {
      const { app } = await build()
      const raw = bytes(MiB + 1)
      for (const type of ['application/json', 'application/x-www-form-urlencoded', undefined]) {
        const res = await app.inject({
          method: 'POST',
          url: '/webhooks',
          payload: raw,
          headers: { ...signed(raw), ...(type ? { 'content-type': type } : {}) },
        })
        await expectRejected(res, 413, 'PAYLOAD_TOO_LARGE')
      }
    })

    it('RAW_BODY_UNAVAILABLE: 500 when an earlier hook consumed the body, never a hang', async () => {
      const app = fastify()
      apps.push(app)
      await app.register(hookguard, { secret: SECRET, now: NOW })
      app.post(
        '/webhooks',
        {
          config: { webhook: true },
          onRequest: (request, _reply, done) => {
            request.raw.resume()
            request.raw.on('end', () => done())
          },
        },
        async () => 'unreachable',
      )
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body),
      })
      await expectRejected(res, 500, 'RAW_BODY_UNAVAILABLE')
    })
  })

  describe('per-route options', () => {
    it('merges a route object over the plugin options', async () => {
      const { app } = await build()
      app.post(
        '/billing',
        { config: { webhook: { secret: OTHER_SECRET } } },
        async (request) => request.webhook,
      )
      const own = await app.inject({
        method: 'POST',
        url: '/billing',
        payload: body,
        headers: signedJson(body, { secret: OTHER_SECRET }),
      })
      expect(own.statusCode).toBe(200)
      expect(own.json()).toEqual(event)
      // The plugin's secret no longer works there, and still works on the other routes.
      const pluginSecret = await app.inject({
        method: 'POST',
        url: '/billing',
        payload: body,
        headers: signedJson(body),
      })
      expect(pluginSecret.json().code).toBe('INVALID_SIGNATURE')
      const other = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body),
      })
      expect(other.statusCode).toBe(200)
    })

    it('keeps the plugin options the route does not set (the clock here)', async () => {
      const { app } = await build()
      app.post(
        '/lenient',
        { config: { webhook: { toleranceSeconds: 3600 } } },
        async (request) => request.webhook,
      )
      const headers = signedJson(body, { timestamp: NOW_S - 1800 })
      const lenient = await app.inject({ method: 'POST', url: '/lenient', payload: body, headers })
      expect(lenient.statusCode).toBe(200)
      const strict = await app.inject({ method: 'POST', url: '/webhooks', payload: body, headers })
      expect(strict.json().code).toBe('TIMESTAMP_EXPIRED')
    })

    it('takes the secret from the route when the plugin has none', async () => {
      const app = fastify()
      apps.push(app)
      await app.register(hookguard, { now: NOW })
      app.post('/a', { config: { webhook: { secret: SECRET } } }, async (r) => r.webhook)
      app.post('/b', { config: { webhook: { secret: OTHER_SECRET } } }, async (r) => r.webhook)
      const a = await app.inject({
        method: 'POST',
        url: '/a',
        payload: body,
        headers: signedJson(body),
      })
      const b = await app.inject({
        method: 'POST',
        url: '/b',
        payload: body,
        headers: signedJson(body, { secret: OTHER_SECRET }),
      })
      expect([a.statusCode, b.statusCode]).toEqual([200, 200])
    })

    it('uses the route onError over the plugin one', async () => {
      const { app } = await build({
        onError: (_error, _request, reply) => reply.code(499).send({ from: 'plugin' }),
      })
      app.post(
        '/own-error',
        {
          config: {
            webhook: { onError: (_e, _r, reply) => reply.code(498).send({ from: 'route' }) },
          },
        },
        async () => 'unreachable',
      )
      const routeLevel = await app.inject({ method: 'POST', url: '/own-error', payload: body })
      expect([routeLevel.statusCode, routeLevel.json()]).toEqual([498, { from: 'route' }])
      const pluginLevel = await app.inject({ method: 'POST', url: '/webhooks', payload: body })
      expect([pluginLevel.statusCode, pluginLevel.json()]).toEqual([499, { from: 'plugin' }])
    })

    it('lets a second registration in a child context replace the options, verifying once', async () => {
      const app = fastify()
      apps.push(app)
      await app.register(hookguard, { secret: SECRET, now: NOW })
      await app.register(async (child) => {
        await child.register(hookguard, { secret: OTHER_SECRET, now: NOW })
        child.post('/child', { config: { webhook: true } }, async (r) => r.webhook)
      })
      const res = await app.inject({
        method: 'POST',
        url: '/child',
        payload: body,
        headers: signedJson(body, { secret: OTHER_SECRET }),
      })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual(event)
    })
  })

  describe('a route created before the plugin loaded', () => {
    it('fails closed with a 500 that names the fix instead of running unverified', async () => {
      const app = fastify()
      apps.push(app)
      let ran = 0
      // Not awaited: the route below is created before the plugin has run.
      void app.register(hookguard, { secret: SECRET, now: NOW })
      app.post('/early', { config: { webhook: true } }, async () => {
        ran++
        return 'unverified'
      })
      app.post('/api/echo', async (request) => request.body)
      const res = await app.inject({
        method: 'POST',
        url: '/early',
        payload: body,
        headers: signedJson(body),
      })
      expect(res.statusCode).toBe(500)
      expect(res.json().message).toMatch(/created before the plugin was registered/)
      expect(ran).toBe(0)
      const plain = await app.inject({ method: 'POST', url: '/api/echo', payload: { a: 1 } })
      expect(plain.json()).toEqual({ a: 1 })
    })
  })

  describe('other routes are untouched', () => {
    it('parses JSON on a plain route and on config: { webhook: false }', async () => {
      const { app } = await build()
      for (const url of ['/api/echo', '/opted-out']) {
        const res = await app.inject({
          method: 'POST',
          url,
          payload: { hello: 'world' },
        })
        expect(res.statusCode, url).toBe(200)
        expect(res.json(), url).toEqual({ body: { hello: 'world' }, webhook: null })
      }
    })

    it('answers broken JSON, unknown types and oversized bodies there as Fastify alone does', async () => {
      const { app } = await build({}, { bodyLimit: 1024 })
      const control = fastify({ bodyLimit: 1024 })
      apps.push(control)
      control.post('/api/echo', async (request) => ({ body: request.body }))
      control.post('/opted-out', { config: { webhook: false } }, async (request) => ({
        body: request.body,
      }))
      const requests = [
        { payload: '{"broken":', headers: { 'content-type': 'application/json' }, status: 400 },
        { payload: '', headers: { 'content-type': 'application/json' }, status: 400 },
        {
          payload: 'a=1',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          status: 415,
        },
        { payload: 'a=1', headers: {}, status: 415 },
        { payload: bytes(2000), headers: { 'content-type': 'text/plain' }, status: 413 },
      ]
      for (const url of ['/api/echo', '/opted-out']) {
        for (const { payload, headers, status } of requests) {
          const ours = await app.inject({ method: 'POST', url, payload, headers })
          const theirs = await control.inject({ method: 'POST', url, payload, headers })
          expect(ours.statusCode, `${url} ${payload.slice(0, 10)}`).toBe(status)
          expect(ours.body).toBe(theirs.body)
        }
      }
    })

    it("keeps Fastify's own body limit on a plain route", async () => {
      const { app } = await build({}, { bodyLimit: 1024 })
      const res = await app.inject({
        method: 'POST',
        url: '/api/echo',
        payload: JSON.stringify({ pad: bytes(2000) }),
        headers: { 'content-type': 'application/json' },
      })
      expect(res.statusCode).toBe(413)
      expect(res.json().code).toBe('FST_ERR_CTP_BODY_TOO_LARGE')
    })

    it("leaves a plain route's signed-looking request alone", async () => {
      const { app } = await build()
      const res = await app.inject({
        method: 'POST',
        url: '/api/echo',
        payload: body,
        headers: signedJson(body, { secret: 'wrong' }),
      })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ body: event, webhook: null })
    })
  })

  describe('the rest of the lifecycle on a webhook route', () => {
    it('shows hooks and handler the headers as sent; raw headers are never changed', async () => {
      const app = fastify()
      apps.push(app)
      await app.register(hookguard, { secret: SECRET, now: NOW })
      const seen: Record<string, unknown> = {}
      app.addHook('preValidation', async (request) => {
        seen.app = request.headers['content-type']
      })
      app.post(
        '/webhooks',
        {
          config: { webhook: true },
          preValidation: async (request) => {
            seen.route = request.headers['content-length']
          },
          preHandler: async (request) => {
            seen.raw = request.raw.headers['content-type']
          },
        },
        async (request) => ({ type: request.headers['content-type'], event: request.webhook }),
      )
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body),
      })
      expect(res.json()).toEqual({ type: 'application/json', event })
      expect(seen).toEqual({
        app: 'application/json',
        route: String(Buffer.byteLength(body)),
        raw: 'application/json',
      })
    })

    it('verifies a GET route too (a signed empty body), headers intact', async () => {
      const app = fastify()
      apps.push(app)
      const scheme = { ...hookguardScheme, parse: (text: string) => ({ empty: text === '' }) }
      await app.register(hookguard, { secret: SECRET, now: NOW, scheme })
      let seen: unknown
      app.addHook('preValidation', async (request) => {
        seen = request.headers['x-webhook-timestamp']
      })
      app.get('/ping', { config: { webhook: true } }, async (request) => request.webhook)
      const ok = await app.inject({ method: 'GET', url: '/ping', headers: signed('') })
      expect([ok.statusCode, ok.json()]).toEqual([200, { empty: true }])
      expect(seen).toBe(String(NOW_S))
      const forged = await app.inject({ method: 'GET', url: '/ping', headers: signed('x') })
      expect(forged.json().code).toBe('INVALID_SIGNATURE')
    })

    it("runs the route's own preParsing hooks before verifying", async () => {
      const app = fastify()
      apps.push(app)
      await app.register(hookguard, { secret: SECRET, now: NOW })
      const order: string[] = []
      app.post(
        '/webhooks',
        {
          config: { webhook: true },
          preParsing: async (request, _reply, payload) => {
            order.push(`preParsing:${request.webhook === null}`)
            return payload
          },
        },
        async (request) => {
          order.push('handler')
          return request.webhook
        },
      )
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body),
      })
      expect(res.json()).toEqual(event)
      expect(order).toEqual(['preParsing:true', 'handler'])
    })

    it('still works, with JSON, when a later preParsing hook reads the headers first', async () => {
      const app = fastify()
      apps.push(app)
      await app.register(hookguard, { secret: SECRET, now: NOW })
      // Added after the plugin's, so it runs after the plugin's preParsing hook.
      app.addHook('onRoute', (routeOptions) => {
        const late = async (
          request: { headers: Record<string, unknown> },
          _r: unknown,
          p: unknown,
        ) => {
          void request.headers['content-type']
          return p
        }
        routeOptions.preParsing = [routeOptions.preParsing ?? [], late].flat() as never
      })
      app.post('/webhooks', { config: { webhook: true } }, async (request) => ({
        webhook: request.webhook,
        body: request.body,
      }))
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body),
      })
      // Fastify's JSON parser ran on the replayed bytes instead of failing on an empty stream.
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ webhook: event, body: event })
    })

    it("validates the verified event with the route's body schema", async () => {
      const app = fastify()
      apps.push(app)
      await app.register(hookguard, { secret: SECRET, now: NOW })
      app.post(
        '/webhooks',
        {
          config: { webhook: true },
          schema: {
            body: {
              type: 'object',
              required: ['id', 'type'],
              properties: { type: { type: 'string', pattern: '^order\\.' } },
            },
          },
        },
        async (request) => request.webhook,
      )
      const ok = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body),
      })
      expect(ok.statusCode).toBe(200)
      const other = JSON.stringify({ ...event, type: 'invoice.paid' })
      const invalid = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: other,
        headers: signedJson(other),
      })
      expect(invalid.statusCode).toBe(400)
      expect(invalid.json().code).toBe('FST_ERR_VALIDATION')
    })
  })

  describe('onError', () => {
    it('gets the error, the request and the reply, and can take over the response', async () => {
      const got: unknown[] = []
      const { app, calls } = await build({
        onError: (error, request, reply) => {
          got.push(error.code, error.status, request.url)
          reply.code(418).send({ teapot: error.code })
        },
      })
      const res = await app.inject({ method: 'POST', url: '/webhooks', payload: body })
      expect(res.statusCode).toBe(418)
      expect(res.json()).toEqual({ teapot: 'MISSING_HEADER' })
      expect(got).toEqual(['MISSING_HEADER', 401, '/webhooks'])
      expect(calls.webhook).toBe(0)
    })

    it('can take over asynchronously, returning the reply', async () => {
      const { app } = await build({
        onError: async (error, _request, reply) => {
          await new Promise((resolve) => setTimeout(resolve, 5))
          return reply.code(error.status).send({ custom: true })
        },
      })
      const res = await app.inject({ method: 'POST', url: '/webhooks', payload: body })
      expect([res.statusCode, res.json()]).toEqual([401, { custom: true }])
    })

    it('answers once even when async onSend hooks hold the response back', async () => {
      const lines: string[] = []
      const stream = { write: (line: string) => void lines.push(line) }
      const { app } = await build(
        { onError: (_error, _request, reply) => void reply.code(418).send({ took: 'over' }) },
        { logger: { level: 'warn', stream } },
      )
      app.addHook('onSend', async (_request, reply, payload) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        reply.header('x-on-send', 'yes')
        return payload
      })
      const res = await app.inject({ method: 'POST', url: '/webhooks', payload: body })
      expect(res.statusCode).toBe(418)
      expect(res.json()).toEqual({ took: 'over' })
      expect(res.headers['x-on-send']).toBe('yes')
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(lines).toEqual([])
    })

    it('falls back to the default response when it only observes', async () => {
      const codes: string[] = []
      const { app } = await build({ onError: (error) => void codes.push(error.code) })
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: body,
        headers: signedJson(body, { secret: OTHER_SECRET }),
      })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toEqual({ error: expect.any(String), code: 'INVALID_SIGNATURE' })
      expect(codes).toEqual(['INVALID_SIGNATURE'])
    })

    it("hands a throw to Fastify's error handler", async () => {
      const { app } = await build({
        onError: () => {
          throw Object.assign(new Error('onError broke'), { statusCode: 503 })
        },
      })
      const res = await app.inject({ method: 'POST', url: '/webhooks', payload: body })
      expect(res.statusCode).toBe(503)
      expect(res.json().message).toBe('onError broke')
    })

    it('is told about a 413 too', async () => {
      const codes: string[] = []
      const { app } = await build({ onError: (error) => void codes.push(error.code) })
      const raw = bytes(2048)
      const res = await app.inject({
        method: 'POST',
        url: '/small',
        payload: raw,
        headers: signed(raw),
      })
      expect(res.statusCode).toBe(413)
      expect(codes).toEqual(['PAYLOAD_TOO_LARGE'])
    })
  })

  describe('option validation', () => {
    async function registerWith(options: unknown) {
      const app = fastify()
      apps.push(app)
      await app.register(hookguard, options as FastifyWebhookOptions)
      return app
    }

    it.each([
      ['an empty secret', { secret: '' }, /secret/],
      ['an empty secret list', { secret: [] }, /secret/],
      ['a negative maxBodyBytes', { secret: SECRET, maxBodyBytes: -1 }, /maxBodyBytes/],
      ['a fractional maxBodyBytes', { secret: SECRET, maxBodyBytes: 1.5 }, /maxBodyBytes/],
      ['a negative tolerance', { secret: SECRET, toleranceSeconds: -1 }, /toleranceSeconds/],
      ['an unknown scheme', { secret: SECRET, scheme: 'nope' }, /scheme/],
      ['an invalid clock', { secret: SECRET, now: new Date('x') }, /now/],
      ['a non-function onError', { secret: SECRET, onError: 'log' }, /onError/],
      ['a bad ack', { secret: SECRET, on: {}, ack: 'never' }, /ack/],
      ['a handler that is not a function', { secret: SECRET, on: { '*': 1 } }, /on\["\*"\]/],
    ])('refuses %s at registration with a TypeError', async (_name, options, message) => {
      const error = await registerWith(options).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(TypeError)
      expect((error as TypeError).message).toMatch(message)
      expect((error as TypeError).message).toMatch(/@hookguard\/fastify/)
    })

    it('refuses options that are not an object', async () => {
      const error = await registerWith(['secret']).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TypeError)
    })

    it.each([
      ['a string setting', 'yes', /config\.webhook/],
      ['an array setting', [SECRET], /config\.webhook/],
      ['a bad route maxBodyBytes', { maxBodyBytes: 0 }, /maxBodyBytes/],
      ['an empty route secret', { secret: '' }, /secret/],
      ['a non-function route onError', { onError: 42 }, /onError/],
      ['processing options without on', { ack: 'after' }, /only apply together with on/],
    ])(
      'refuses %s when the route is created, naming the route',
      async (_name, setting, message) => {
        const app = await registerWith({ secret: SECRET })
        const create = () =>
          app.post('/hooks/x', { config: { webhook: setting as never } }, async () => 'ok')
        expect(create).toThrow(TypeError)
        expect(create).toThrow(message)
        expect(create).toThrow(/route POST \/hooks\/x/)
      },
    )

    it('refuses a webhook route when neither the plugin nor the route has a secret', async () => {
      const app = await registerWith({})
      expect(() => app.post('/w', { config: { webhook: true } }, async () => 'ok')).toThrow(
        /no secret/,
      )
    })

    it('never puts a secret in an error message', async () => {
      const app = await registerWith({ secret: SECRET })
      const error = (() => {
        try {
          app.post('/w', { config: { webhook: { maxBodyBytes: -5 } } }, async () => 'ok')
        } catch (e) {
          return e as Error
        }
      })()
      expect(error?.message).not.toContain(SECRET)
    })
  })
})
