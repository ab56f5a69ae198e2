import { BODY, EVENT, NOW, NOW_S, OTHER_SECRET, SECRET } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { hookguard } from './index.js'
import { harness, post, signedJson, versions } from './test-harness.js'

describe.each(versions)('$name', ({ fastify }) => {
  const { create, build } = harness(fastify)

  describe('per-route options', () => {
    it('merges a route object over the plugin options', async () => {
      const { app } = await build({}, {}, (webhooks) => {
        webhooks.post(
          '/billing',
          { config: { webhook: { secret: OTHER_SECRET } } },
          async (request) => request.webhook,
        )
      })
      const own = await post(app, '/billing', BODY, signedJson(BODY, { secret: OTHER_SECRET }))
      expect(own.statusCode).toBe(200)
      expect(own.json()).toEqual(EVENT)
      // The plugin's secret no longer works there, and still works on the other routes.
      const pluginSecret = await post(app, '/billing', BODY, signedJson(BODY))
      expect(pluginSecret.json().code).toBe('INVALID_SIGNATURE')
      const other = await post(app, '/webhooks', BODY, signedJson(BODY))
      expect(other.statusCode).toBe(200)
    })

    it('keeps the plugin options the route does not set (the clock here)', async () => {
      const { app } = await build({}, {}, (webhooks) => {
        webhooks.post(
          '/lenient',
          { config: { webhook: { toleranceSeconds: 3600 } } },
          async (request) => request.webhook,
        )
      })
      const headers = signedJson(BODY, { timestamp: NOW_S - 1800 })
      const lenient = await app.inject({ method: 'POST', url: '/lenient', payload: BODY, headers })
      expect(lenient.statusCode).toBe(200)
      const strict = await app.inject({ method: 'POST', url: '/webhooks', payload: BODY, headers })
      expect(strict.json().code).toBe('TIMESTAMP_EXPIRED')
    })

    it('takes the secret from the route when the plugin has none', async () => {
      const app = create()
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { now: NOW })
        webhooks.post('/a', { config: { webhook: { secret: SECRET } } }, async (r) => r.webhook)
        webhooks.post(
          '/b',
          { config: { webhook: { secret: OTHER_SECRET } } },
          async (r) => r.webhook,
        )
      })
      const a = await post(app, '/a', BODY, signedJson(BODY))
      const b = await post(app, '/b', BODY, signedJson(BODY, { secret: OTHER_SECRET }))
      expect([a.statusCode, b.statusCode]).toEqual([200, 200])
    })

    it('uses the route onError over the plugin one', async () => {
      const { app } = await build(
        { onError: (_error, _request, reply) => reply.code(499).send({ from: 'plugin' }) },
        {},
        (webhooks) => {
          webhooks.post(
            '/own-error',
            {
              config: {
                webhook: { onError: (_e, _r, reply) => reply.code(498).send({ from: 'route' }) },
              },
            },
            async () => 'unreachable',
          )
        },
      )
      const routeLevel = await post(app, '/own-error', BODY)
      expect([routeLevel.statusCode, routeLevel.json()]).toEqual([498, { from: 'route' }])
      const pluginLevel = await post(app, '/webhooks', BODY)
      expect([pluginLevel.statusCode, pluginLevel.json()]).toEqual([499, { from: 'plugin' }])
    })

    it('accepts config: { webhook: true } (the 0.1 shape) as the plugin options', async () => {
      const { app } = await build({}, {}, (webhooks) => {
        webhooks.post('/legacy', { config: { webhook: true } }, async (r) => r.webhook)
      })
      const res = await post(app, '/legacy', BODY, signedJson(BODY))
      expect([res.statusCode, res.json()]).toEqual([200, EVENT])
    })

    it("applies a route's maxBodyBytes as that route's body limit", async () => {
      const { app } = await build({}, {}, (webhooks) => {
        webhooks.post('/tiny', { config: { webhook: { maxBodyBytes: 16 } } }, async () => 'no')
      })
      const tiny = await post(app, '/tiny', BODY, signedJson(BODY))
      expect([tiny.statusCode, tiny.json().code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
      const other = await post(app, '/webhooks', BODY, signedJson(BODY))
      expect(other.statusCode).toBe(200)
    })

    it('lets a second registration in a child scope replace the options, verifying once', async () => {
      const app = create()
      let verifiedTwice = false
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW, maxBodyBytes: 64 })
        await webhooks.register(async (child) => {
          await child.register(hookguard, { secret: OTHER_SECRET, now: NOW })
          child.post('/child', async (r) => {
            verifiedTwice = r.body !== r.webhook
            return r.webhook
          })
        })
      })
      const res = await post(app, '/child', BODY, signedJson(BODY, { secret: OTHER_SECRET }))
      // The child's 1 MiB default replaced the parent's 64 bytes too.
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual(EVENT)
      expect(verifiedTwice).toBe(false)
    })
  })
})
