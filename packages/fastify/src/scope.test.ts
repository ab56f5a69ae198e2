import { BODY, bytes, EVENT, NOW, SECRET } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { hookguard } from './index.js'
import { harness, post, signedJson, versions } from './test-harness.js'

describe.each(versions)('$name', ({ fastify }) => {
  const { create, build } = harness(fastify)

  describe('registering in a scope', () => {
    it('verifies every route of a prefixed scope, and nothing outside it', async () => {
      const app = create()
      app.post('/before', async (request) => ({ body: request.body }))
      await app.register(
        async (webhooks) => {
          await webhooks.register(hookguard, { secret: SECRET, now: NOW })
          webhooks.post('/orders', async (request) => request.webhook)
          webhooks.put('/orders', async (request) => request.webhook)
        },
        { prefix: '/hooks' },
      )
      app.post('/after', async (request) => ({ body: request.body }))
      for (const method of ['POST', 'PUT'] as const) {
        const ok = await app.inject({
          method,
          url: '/hooks/orders',
          payload: BODY,
          headers: signedJson(BODY),
        })
        expect([ok.statusCode, ok.json()]).toEqual([200, EVENT])
        const unsigned = await app.inject({ method, url: '/hooks/orders', payload: BODY })
        expect(unsigned.json().code).toBe('MISSING_HEADER')
      }
      for (const url of ['/before', '/after']) {
        const res = await app.inject({ method: 'POST', url, payload: { plain: true } })
        expect(res.json()).toEqual({ body: { plain: true } })
      }
    })

    it('adds hooks to the webhook routes only (as printRoutes shows them)', async () => {
      const app = create()
      app.post('/before', async () => 'plain')
      await app.register(
        async (webhooks) => {
          await webhooks.register(hookguard, { secret: SECRET, now: NOW })
          webhooks.post('/orders', async () => 'webhook')
        },
        { prefix: '/hooks' },
      )
      app.post('/after', async () => 'plain')
      await app.ready()
      const tree = app.printRoutes({ includeHooks: true, commonPrefix: false })
      const hooksOf = (path: string) => {
        const lines = tree.split('\n')
        const at = lines.findIndex((line) => line.includes(`${path} (POST)`))
        const own: string[] = []
        for (const line of lines.slice(at + 1)) {
          if (!line.includes('•')) break
          own.push(line.trim())
        }
        return own.join('\n')
      }
      expect(hooksOf('/before')).toBe('')
      expect(hooksOf('/after')).toBe('')
      expect(hooksOf('/hooks/orders')).toMatch(/preValidation.*hookguardVerify/)
      expect(hooksOf('/hooks/orders')).not.toMatch(/onRequest/)
    })

    it('keeps a 404 inside the scope a 404', async () => {
      const app = create()
      await app.register(
        async (webhooks) => {
          await webhooks.register(hookguard, { secret: SECRET, now: NOW })
          webhooks.setNotFoundHandler((_request, reply) => reply.code(404).send({ none: true }))
          webhooks.post('/orders', async () => 'webhook')
        },
        { prefix: '/hooks' },
      )
      const res = await post(app, '/hooks/nope', BODY)
      expect([res.statusCode, res.json()]).toEqual([404, { none: true }])
    })

    it('fails closed when a route is declared before the plugin loaded in its scope', async () => {
      const app = create()
      let ran = 0
      await app.register(async (webhooks) => {
        // Not awaited: the route below is declared before the plugin has run.
        void webhooks.register(hookguard, { secret: SECRET, now: NOW })
        webhooks.post('/early', async () => {
          ran++
          return 'unverified'
        })
      })
      app.post('/api/echo', async (request) => request.body)
      for (const payload of [BODY, '']) {
        const res = await app.inject({
          method: 'POST',
          url: '/early',
          payload,
          headers: signedJson(payload),
        })
        expect(res.statusCode).toBe(500)
        expect(res.json().message).toMatch(/declared before the plugin was registered/)
      }
      expect(ran).toBe(0)
      const plain = await post(app, '/api/echo', { a: 1 })
      expect(plain.json()).toEqual({ a: 1 })
    })

    it.each([
      ['config.webhook: false', { config: { webhook: false } }, /declare other routes outside/],
      ['a bodyLimit', { bodyLimit: 10 }, /config\.webhook\.maxBodyBytes, not bodyLimit/],
    ])(
      'refuses a route in the scope with %s, at start-up',
      async (_name, routeOptions, message) => {
        const app = create()
        const error = await app
          .register(async (webhooks) => {
            await webhooks.register(hookguard, { secret: SECRET, now: NOW })
            webhooks.post('/x', routeOptions as never, async () => 'ok')
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          )
        expect(error).toBeInstanceOf(TypeError)
        expect((error as Error).message).toMatch(message)
      },
    )
  })

  describe('routes outside the scope keep Fastify as it is', () => {
    it('parses JSON there; request.webhook is not set', async () => {
      const { app } = await build()
      const res = await post(app, '/api/echo', { hello: 'world' })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ body: { hello: 'world' } })
    })

    it('answers broken JSON, unknown types and oversized bodies as Fastify alone does', async () => {
      const { app } = await build({}, { bodyLimit: 1024 })
      const control = create({ bodyLimit: 1024 })
      control.post('/api/echo', async (request) => ({ body: request.body }))
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
      for (const { payload, headers, status } of requests) {
        const ours = await app.inject({ method: 'POST', url: '/api/echo', payload, headers })
        const theirs = await control.inject({ method: 'POST', url: '/api/echo', payload, headers })
        expect(ours.statusCode, payload.slice(0, 10)).toBe(status)
        expect(ours.body).toBe(theirs.body)
      }
    })

    it("keeps Fastify's own body limit there", async () => {
      const { app } = await build({ maxBodyBytes: 64 * 1024 }, { bodyLimit: 1024 })
      const res = await post(app, '/api/echo', JSON.stringify({ pad: bytes(2000) }), {
        'content-type': 'application/json',
      })
      expect(res.statusCode).toBe(413)
      expect(res.json().code).toBe('FST_ERR_CTP_BODY_TOO_LARGE')
    })

    it('leaves a signed-looking request there alone', async () => {
      const { app } = await build()
      const res = await post(app, '/api/echo', BODY, signedJson(BODY, { secret: 'wrong' }))
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ body: EVENT })
    })
  })
})
