import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import { hookguardScheme } from '@hookguard/core/scheme'
import {
  BODY,
  bytes,
  EVENT,
  NOW,
  NOW_S,
  OTHER_SECRET,
  SECRET,
  signHookguard,
} from '@hookguard/test-kit'
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { hookguard } from './index.js'
import { harness, post, signedJson, versions } from './test-harness.js'

/** One observation: which hook, the body headers it saw, and those that came over the wire. */
interface Sight {
  at: string
  seen: unknown[]
  sent: unknown[]
}

const BODY_HEADERS = ['content-type', 'content-length', 'transfer-encoding'] as const

const HOOKS = [
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onError',
] as const

describe.each(versions)('$name', ({ fastify }) => {
  const { create } = harness(fastify)

  describe('the real headers on a webhook route, on every path', () => {
    /**
     * Hooks of every kind at app level (before and after the scope), in the scope before and
     * after the plugin, and on the route, plus an app-level error handler and an app-level auth hook
     * (`x-deny: answer` answers 403 itself, `x-deny: throw` throws a 403). Every one of them
     * records the body headers it saw.
     */
    async function observed() {
      const app = create()
      const sights: Sight[] = []
      const look = (at: string, request: FastifyRequest) => {
        sights.push({
          at,
          seen: BODY_HEADERS.map((name) => request.headers[name]),
          sent: BODY_HEADERS.map((name) => request.raw.headers[name]),
        })
      }
      const observe = (instance: FastifyInstance, label: string) => {
        for (const hook of HOOKS) {
          // Every hook kind takes (request, reply, …, done) or is async; async covers all of them.
          instance.addHook(hook as 'onRequest', async (request: FastifyRequest) => {
            look(`${label}:${hook}`, request)
          })
        }
      }
      observe(app, 'app')
      app.addHook('preValidation', async (request, reply) => {
        const deny = request.headers['x-deny']
        if (deny === 'answer') return reply.code(403).send({ denied: true })
        if (deny === 'throw') throw Object.assign(new Error('denied'), { statusCode: 403 })
      })
      app.setErrorHandler((error: FastifyError, request, reply) => {
        look('errorHandler', request)
        reply.code(error.statusCode ?? 500).send({ handledBy: 'app', message: error.message })
      })
      await app.register(
        async (webhooks) => {
          observe(webhooks, 'scope-before')
          await webhooks.register(hookguard, { secret: SECRET, now: NOW, maxBodyBytes: 1024 })
          observe(webhooks, 'scope-after')
          const route = {
            preValidation: async (request: FastifyRequest) => look('route:preValidation', request),
            preHandler: async (request: FastifyRequest) => look('route:preHandler', request),
            onResponse: async (request: FastifyRequest) => look('route:onResponse', request),
          }
          webhooks.post('/orders', route, async (request) => {
            look('handler', request)
            return { event: request.webhook }
          })
          webhooks.post(
            '/throwing-on-error',
            {
              ...route,
              config: {
                webhook: {
                  onError: () => {
                    throw Object.assign(new Error('onError broke'), { statusCode: 502 })
                  },
                },
              },
            },
            async () => 'unreachable',
          )
        },
        { prefix: '/hooks' },
      )
      observe(app, 'app-after')
      return { app, sights }
    }

    const json = { 'content-type': 'application/json' }
    const paths = [
      { name: 'success', payload: BODY, headers: signedJson(BODY), status: 200 },
      { name: 'MISSING_HEADER', payload: BODY, headers: json, status: 401 },
      {
        name: 'INVALID_SIGNATURE',
        payload: BODY,
        headers: signedJson(BODY, { secret: OTHER_SECRET }),
        status: 401,
      },
      {
        name: 'TIMESTAMP_EXPIRED',
        payload: BODY,
        headers: signedJson(BODY, { timestamp: NOW_S - 3600 }),
        status: 401,
      },
      { name: 'INVALID_PAYLOAD', payload: 'nope', headers: signedJson('nope'), status: 400 },
      {
        name: 'PAYLOAD_TOO_LARGE, declared',
        payload: bytes(2048),
        headers: signedJson(bytes(2048)),
        status: 413,
      },
      {
        name: 'PAYLOAD_TOO_LARGE, chunked',
        payload: () => Readable.from([Buffer.from(bytes(800)), Buffer.from(bytes(800))]),
        headers: signedJson('x'),
        status: 413,
      },
      {
        name: 'an app preValidation hook answering 403 itself',
        payload: BODY,
        headers: { ...signedJson(BODY), 'x-deny': 'answer' },
        status: 403,
        errorHandler: false,
      },
      {
        name: 'an app preValidation hook throwing 403',
        payload: BODY,
        headers: { ...signedJson(BODY), 'x-deny': 'throw' },
        status: 403,
        errorHandler: true,
      },
      {
        name: 'onError throwing',
        url: '/hooks/throwing-on-error',
        payload: BODY,
        headers: json,
        status: 502,
        errorHandler: true,
      },
    ]

    it.each(paths)('$name: every hook, the error handler and onResponse see them', async (path) => {
      const { app, sights } = await observed()
      const payload = typeof path.payload === 'function' ? path.payload() : path.payload
      const res = await app.inject({
        method: 'POST',
        url: path.url ?? '/hooks/orders',
        payload,
        headers: path.headers,
      })
      expect(res.statusCode).toBe(path.status)
      expect(sights.length).toBeGreaterThan(10)
      for (const { at, seen, sent } of sights) {
        expect(seen, at).toEqual(sent)
        expect(seen[0], at).toBe('application/json')
      }
      const at = sights.map((sight) => sight.at)
      for (const label of ['app', 'scope-before', 'scope-after', 'route', 'app-after']) {
        expect(at, label).toContain(`${label}:onResponse`)
      }
      expect(at.includes('errorHandler')).toBe(path.errorHandler === true)
      expect(at.includes('handler')).toBe(path.status === 200)
      if (path.status === 200) {
        // Hooks after the plugin's verification, the handler included, see the verified event.
        expect(res.json()).toEqual({ event: EVENT })
      }
    })

    it('never changes the raw headers', async () => {
      const app = create()
      const raw: unknown[] = []
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW })
        webhooks.addHook('onResponse', async (request) => {
          raw.push(request.raw.headers['content-type'], request.raw.headers['content-length'])
        })
        webhooks.post('/orders', async () => 'ok')
      })
      await post(app, '/orders', BODY, signedJson(BODY))
      expect(raw).toEqual(['application/json', String(Buffer.byteLength(BODY))])
    })
  })

  describe('the rest of the lifecycle on a webhook route', () => {
    it('verifies a GET route too (a signed empty body)', async () => {
      const app = create()
      const scheme = { ...hookguardScheme, parse: (text: string) => ({ empty: text === '' }) }
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW, scheme })
        webhooks.get('/ping', async (request) => request.webhook)
      })
      const ok = await app.inject({ method: 'GET', url: '/ping', headers: signHookguard('') })
      expect([ok.statusCode, ok.json()]).toEqual([200, { empty: true }])
      const forged = await app.inject({ method: 'GET', url: '/ping', headers: signHookguard('x') })
      expect(forged.json().code).toBe('INVALID_SIGNATURE')
      const head = await app.inject({ method: 'HEAD', url: '/ping', headers: signHookguard('x') })
      expect(head.statusCode).toBe(401)
    })

    it('verifies a POST without a body as an empty body', async () => {
      const app = create()
      const scheme = { ...hookguardScheme, parse: (text: string) => ({ empty: text === '' }) }
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW, scheme })
        webhooks.post('/ping', async (request) => request.webhook)
      })
      const ok = await app.inject({ method: 'POST', url: '/ping', headers: signHookguard('') })
      expect([ok.statusCode, ok.json()]).toEqual([200, { empty: true }])
    })

    it('verifies what a preParsing hook hands on (a decompressed body)', async () => {
      const app = create()
      const order: string[] = []
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW })
        webhooks.post(
          '/orders',
          {
            preParsing: async (request, _reply, payload) => {
              order.push(`preParsing:${request.webhook === null}`)
              if (request.headers['content-encoding'] !== 'gzip') return payload
              const { createGunzip } = await import('node:zlib')
              const inflated = payload.pipe(createGunzip()) as unknown as typeof payload
              // Fastify compares Content-Length with the bytes received on the wire.
              let received = 0
              payload.on('data', (chunk: Buffer) => {
                received += chunk.length
                inflated.receivedEncodedLength = received
              })
              return inflated
            },
          },
          async (request) => {
            order.push('handler')
            return request.webhook
          },
        )
      })
      const gzipped = await new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = []
        const gzip = createGzip()
        gzip.on('data', (chunk: Buffer) => chunks.push(chunk))
        gzip.on('end', () => resolve(Buffer.concat(chunks)))
        gzip.end(BODY)
      })
      const res = await post(app, '/orders', gzipped, {
        ...signedJson(BODY),
        'content-encoding': 'gzip',
      })
      expect([res.statusCode, res.json()]).toEqual([200, EVENT])
      expect(order).toEqual(['preParsing:true', 'handler'])
    })

    it("validates the verified event with the route's body schema", async () => {
      const app = create()
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW })
        webhooks.post(
          '/webhooks',
          {
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
      })
      const ok = await post(app, '/webhooks', BODY, signedJson(BODY))
      expect(ok.statusCode).toBe(200)
      const other = JSON.stringify({ ...EVENT, type: 'invoice.paid' })
      const invalid = await post(app, '/webhooks', other, signedJson(other))
      expect(invalid.statusCode).toBe(400)
      expect(invalid.json().code).toBe('FST_ERR_VALIDATION')
    })

    it("hands other errors to the route's own error handler, and keeps hookguard's 413", async () => {
      const app = create()
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW, maxBodyBytes: 1024 })
        webhooks.post(
          '/orders',
          {
            errorHandler: (error, _request, reply) => {
              reply.code(599).send({ own: error.message })
            },
          },
          async () => {
            throw new Error('handler broke')
          },
        )
      })
      const broke = await post(app, '/orders', BODY, signedJson(BODY))
      expect([broke.statusCode, broke.json()]).toEqual([599, { own: 'handler broke' }])
      const large = await post(app, '/orders', bytes(2048), signedJson(bytes(2048)))
      expect([large.statusCode, large.json().code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    })

    it("hands other errors to the scope's error handler, set before or after the plugin", async () => {
      for (const when of ['before', 'after'] as const) {
        const app = create()
        await app.register(async (webhooks) => {
          const set = () =>
            webhooks.setErrorHandler((error: FastifyError, _request, reply) => {
              reply.code(598).send({ scope: error.message })
            })
          if (when === 'before') set()
          await webhooks.register(hookguard, { secret: SECRET, now: NOW })
          if (when === 'after') set()
          webhooks.post('/orders', async () => {
            throw new Error('handler broke')
          })
        })
        const res = await post(app, '/orders', BODY, signedJson(BODY))
        expect([res.statusCode, res.json()], when).toEqual([598, { scope: 'handler broke' }])
      }
    })
  })
})
