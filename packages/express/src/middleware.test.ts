import { WebhookVerificationError } from '@hookguard/core'
import { BODY, EVENT, MiB, NOW, NOW_S, SECRET, signedJson } from '@hookguard/test-kit'
import type { ErrorRequestHandler, Request } from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { webhook } from './middleware.js'
import { keepRawBody } from './raw-body.js'
import { webhookEvent } from './request.js'
import { versions } from './test-versions.js'

describe.each(versions)('webhook() on $name', ({ express }) => {
  /** A webhook route plus the events its handler saw; the clock is the kit's `NOW` unless given. */
  function appWith(options: Parameters<typeof webhook>[0] = { secret: SECRET }) {
    const app = express()
    const seen: unknown[] = []
    app.post('/webhooks', webhook({ now: NOW, ...options }), (req, res) => {
      seen.push(req.webhook)
      res.json({ received: true })
    })
    return { app, seen }
  }

  describe('success', () => {
    it('verifies a signed event and hands it to the route handler as req.webhook', async () => {
      const { app, seen } = appWith()
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ received: true })
      expect(seen).toEqual([EVENT])
    })

    it('narrows the event with webhookEvent<T>(req)', async () => {
      const app = express()
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (req, res) => {
        const verified = webhookEvent<typeof EVENT>(req)
        res.json({ order: verified.data.object.id, type: verified.type })
      })
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      expect(res.body).toEqual({ order: 'ord_1', type: 'order.created' })
    })

    it('webhookEvent throws a TypeError on a route without webhook()', async () => {
      const app = express()
      app.post('/plain', (req, res) => {
        try {
          webhookEvent(req)
          res.json({ threw: false })
        } catch (error) {
          res.json({ threw: error instanceof TypeError })
        }
      })
      const res = await request(app).post('/plain').send('{}')
      expect(res.body).toEqual({ threw: true })
    })

    it('verifies the exact bytes: a BOM and invalid UTF-8 survive the stream read', async () => {
      const bytes = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('{"id":"evt_b","type":"x","note":"'),
        Buffer.from([0xff]),
        Buffer.from('"}'),
      ])
      const { app, seen } = appWith()
      // superagent would JSON-encode a Buffer sent as application/json.
      const res = await request(app)
        .post('/webhooks')
        .set({ ...signedJson(bytes), 'content-type': 'application/octet-stream' })
        .send(bytes)
      expect(res.status).toBe(200)
      expect(seen).toEqual([{ id: 'evt_b', type: 'x', note: '\ufffd' }])
    })

    it('accepts any of several rotated secrets', async () => {
      const { app } = appWith({ secret: ['whsec_new_secret_value', SECRET] })
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      expect(res.status).toBe(200)
    })

    it('works mounted with app.use, for the path and its sub-paths', async () => {
      const app = express()
      app.use('/webhooks', webhook({ secret: SECRET, now: NOW }))
      app.post('/webhooks', (req, res) =>
        res.json({ at: 'root', type: (req.webhook as typeof EVENT).type }),
      )
      app.post('/webhooks/shop', (req, res) =>
        res.json({ at: 'shop', id: (req.webhook as typeof EVENT).id }),
      )
      app.post('/other', (_req, res) => res.json({ at: 'other' }))

      const root = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      expect(root.body).toEqual({ at: 'root', type: 'order.created' })
      const shop = await request(app).post('/webhooks/shop').set(signedJson(BODY)).send(BODY)
      expect(shop.body).toEqual({ at: 'shop', id: 'evt_1' })
      const unsigned = await request(app).post('/webhooks/shop').send(BODY)
      expect(unsigned.status).toBe(401)
      const other = await request(app).post('/other').send(BODY)
      expect(other.body).toEqual({ at: 'other' })
    })

    it('a second webhook() on the same request verifies the bytes the first one read', async () => {
      const app = express()
      app.use('/webhooks', webhook({ secret: SECRET, now: NOW }))
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (req, res) =>
        res.json({ id: (req.webhook as typeof EVENT).id }),
      )
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      expect(res.body).toEqual({ id: 'evt_1' })
    })
  })

  describe("core's error table through the adapter", () => {
    async function expectError(
      res: request.Response,
      code: string,
      status: number,
      seen: unknown[],
    ) {
      expect(res.status).toBe(status)
      expect(res.headers['content-type']).toMatch(/^application\/json/)
      expect(res.body).toEqual({ error: expect.any(String), code })
      expect(res.body.error).not.toContain(SECRET)
      expect(seen).toEqual([])
    }

    it('MISSING_HEADER (401) without signature headers', async () => {
      const { app, seen } = appWith()
      const res = await request(app)
        .post('/webhooks')
        .set('content-type', 'application/json')
        .send(BODY)
      await expectError(res, 'MISSING_HEADER', 401, seen)
    })

    it('INVALID_SIGNATURE (401) for a tampered body', async () => {
      const { app, seen } = appWith()
      const res = await request(app)
        .post('/webhooks')
        .set(signedJson(BODY))
        .send(BODY.replace('4200', '1'))
      await expectError(res, 'INVALID_SIGNATURE', 401, seen)
    })

    it('INVALID_SIGNATURE (401) for another secret', async () => {
      const { app, seen } = appWith()
      const res = await request(app)
        .post('/webhooks')
        .set(signedJson(BODY, { secret: 'whsec_someone_else' }))
        .send(BODY)
      await expectError(res, 'INVALID_SIGNATURE', 401, seen)
    })

    it('INVALID_TIMESTAMP (401) for a timestamp that is not whole seconds', async () => {
      const { app, seen } = appWith()
      const headers = signedJson(BODY)
      const res = await request(app)
        .post('/webhooks')
        .set({ ...headers, 'x-webhook-timestamp': '12.5' })
        .send(BODY)
      await expectError(res, 'INVALID_TIMESTAMP', 401, seen)
    })

    it('TIMESTAMP_EXPIRED (401) for an authentic but stale request', async () => {
      const { app, seen } = appWith()
      const res = await request(app)
        .post('/webhooks')
        .set(signedJson(BODY, { timestamp: NOW_S - 3600 }))
        .send(BODY)
      await expectError(res, 'TIMESTAMP_EXPIRED', 401, seen)
    })

    it('honours toleranceSeconds and now from the options', async () => {
      const timestamp = NOW_S - 3600
      const { app } = appWith({ secret: SECRET, now: new Date(timestamp * 1000 + 10_000) })
      const res = await request(app)
        .post('/webhooks')
        .set(signedJson(BODY, { timestamp }))
        .send(BODY)
      expect(res.status).toBe(200)
      const strict = appWith({ secret: SECRET, toleranceSeconds: 5 })
      const stale = await request(strict.app)
        .post('/webhooks')
        .set(signedJson(BODY, { timestamp: NOW_S - 60 }))
        .send(BODY)
      expect(stale.body.code).toBe('TIMESTAMP_EXPIRED')
    })

    it('INVALID_PAYLOAD (400) for a correctly signed body that is not JSON', async () => {
      const { app, seen } = appWith()
      const text = 'not json at all'
      const res = await request(app).post('/webhooks').set(signedJson(text)).send(text)
      await expectError(res, 'INVALID_PAYLOAD', 400, seen)
    })

    it('PAYLOAD_TOO_LARGE (413) for a body over maxBodyBytes', async () => {
      const { app, seen } = appWith({ secret: SECRET, maxBodyBytes: 1024 })
      const large = JSON.stringify({ id: 'evt_big', type: 'x', pad: 'a'.repeat(2048) })
      const res = await request(app).post('/webhooks').set(signedJson(large)).send(large)
      await expectError(res, 'PAYLOAD_TOO_LARGE', 413, seen)
      expect(res.body.error).toContain('1024')
    })

    it('accepts a body of exactly maxBodyBytes', async () => {
      const exact = JSON.stringify({ id: 'evt_exact', type: 'x', pad: '' })
      const padded = JSON.stringify({
        id: 'evt_exact',
        type: 'x',
        pad: 'a'.repeat(1024 - exact.length),
      })
      expect(Buffer.byteLength(padded)).toBe(1024)
      const { app } = appWith({ secret: SECRET, maxBodyBytes: 1024 })
      const res = await request(app).post('/webhooks').set(signedJson(padded)).send(padded)
      expect(res.status).toBe(200)
    })

    it('PAYLOAD_TOO_LARGE (413) for a chunked body without Content-Length', async () => {
      const app = express()
      const seen: unknown[] = []
      const framing: Array<string | undefined> = []
      app.post(
        '/webhooks',
        (req, _res, next) => {
          framing.push(req.headers['content-length'], req.headers['transfer-encoding'])
          next()
        },
        webhook({ secret: SECRET, now: NOW, maxBodyBytes: 4096 }),
        (req, res) => {
          seen.push(req.webhook)
          res.json({ received: true })
        },
      )
      const req = request(app).post('/webhooks').set('content-type', 'application/json')
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(1024, 0x61))
      const res = await req
      expect(framing).toEqual([undefined, 'chunked'])
      await expectError(res, 'PAYLOAD_TOO_LARGE', 413, seen)
    })

    it('PAYLOAD_TOO_LARGE (413) from a declared 2 MiB Content-Length, the body read away, not kept', async () => {
      const { app, seen } = appWith()
      const res = await request(app)
        .post('/webhooks')
        .set({ 'content-type': 'application/json' })
        .send('x'.repeat(2 * MiB))
      await expectError(res, 'PAYLOAD_TOO_LARGE', 413, seen)
      expect(res.body.error).toContain(String(MiB))
    })

    it('RAW_BODY_UNAVAILABLE (500) after a global express.json(), naming the fix', async () => {
      const app = express()
      const seen: unknown[] = []
      app.use(express.json())
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (req, res) => {
        seen.push(req.webhook)
        res.json({ received: true })
      })
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      await expectError(res, 'RAW_BODY_UNAVAILABLE', 500, seen)
      expect(res.body.error).toContain('express.json({ verify: keepRawBody })')
      expect(res.body.error).toContain('before any global body parser')
    })

    it('RAW_BODY_UNAVAILABLE (500) after a global express.urlencoded()', async () => {
      const app = express()
      const seen: unknown[] = []
      app.use(express.urlencoded({ extended: false }))
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (req, res) => {
        seen.push(req.webhook)
        res.json({ received: true })
      })
      const form = 'a=1&b=2'
      const res = await request(app)
        .post('/webhooks')
        .set({
          ...signedJson(form),
          'content-type': 'application/x-www-form-urlencoded',
        })
        .send(form)
      await expectError(res, 'RAW_BODY_UNAVAILABLE', 500, seen)
    })

    it('RAW_BODY_UNAVAILABLE (500), not a hang, when another middleware drained the stream', async () => {
      const app = express()
      const seen: unknown[] = []
      app.use((req, _res, next) => {
        req.on('data', () => {})
        req.on('end', () => next())
      })
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (req, res) => {
        seen.push(req.webhook)
        res.json({ received: true })
      })
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      await expectError(res, 'RAW_BODY_UNAVAILABLE', 500, seen)
      expect(res.body.error).toContain('already read')
    })
  })

  describe('bodies read by express parsers', () => {
    it('uses the Buffer express.raw() left on the route', async () => {
      const app = express()
      app.post(
        '/webhooks',
        express.raw({ type: '*/*' }),
        webhook({ secret: SECRET, now: NOW }),
        (req, res) => res.json({ type: (req.webhook as typeof EVENT).type }),
      )
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      expect(res.body).toEqual({ type: 'order.created' })
      const tampered = await request(app).post('/webhooks').set(signedJson(BODY)).send(`${BODY} `)
      expect(tampered.body.code).toBe('INVALID_SIGNATURE')
    })

    it('applies maxBodyBytes to a Buffer from express.raw() too', async () => {
      const app = express()
      app.post(
        '/webhooks',
        express.raw({ type: '*/*' }),
        webhook({ secret: SECRET, now: NOW, maxBodyBytes: 16 }),
        (_req, res) => res.json({ received: true }),
      )
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      expect(res.status).toBe(413)
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE')
    })

    it('uses a req.rawBody string or Buffer kept by earlier middleware (as some platforms do)', async () => {
      for (const keep of [(raw: Buffer) => raw.toString('utf8'), (raw: Buffer) => raw]) {
        const app = express()
        app.use((req, _res, next) => {
          const chunks: Buffer[] = []
          req.on('data', (chunk: Buffer) => chunks.push(chunk))
          req.on('end', () => {
            Object.assign(req, { rawBody: keep(Buffer.concat(chunks)) })
            next()
          })
        })
        app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (req, res) =>
          res.json({ id: (req.webhook as typeof EVENT).id }),
        )
        const res = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
        expect(res.body).toEqual({ id: 'evt_1' })
      }
    })

    it('reads the stream itself when a global express.json() skipped the content type', async () => {
      // Express 4's parsers set req.body = {} even when they skip; the stream is still unread.
      const app = express()
      app.use(express.json())
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (req, res) =>
        res.json({ id: (req.webhook as typeof EVENT).id }),
      )
      const res = await request(app)
        .post('/webhooks')
        .set({ ...signedJson(BODY), 'content-type': 'text/plain' })
        .send(BODY)
      expect(res.body).toEqual({ id: 'evt_1' })
    })
  })

  describe('onError', () => {
    it('takes over the response', async () => {
      const seenErrors: WebhookVerificationError[] = []
      const { app } = appWith({
        secret: SECRET,
        onError: (error, _req, res) =>
          res
            .status(seenErrors.push(error) && 403)
            .type('text')
            .send(`nope: ${error.code}`),
      })
      const res = await request(app).post('/webhooks').send(BODY)
      expect(res.status).toBe(403)
      expect(res.text).toBe('nope: MISSING_HEADER')
      expect(seenErrors).toHaveLength(1)
      expect(seenErrors[0]).toBeInstanceOf(WebhookVerificationError)
    })

    it('can hand the error to Express error handlers with next(error)', async () => {
      const app = express()
      app.post(
        '/webhooks',
        webhook({ secret: SECRET, now: NOW, onError: (error, _req, _res, next) => next(error) }),
        (_req, res) => res.json({ received: true }),
      )
      const handler: ErrorRequestHandler = (error, _req, res, _next) => {
        res
          .status(499)
          .json({ handled: error instanceof WebhookVerificationError, code: error.code })
      }
      app.use(handler)
      const res = await request(app).post('/webhooks').set(signedJson(BODY)).send('{}')
      expect(res.status).toBe(499)
      expect(res.body).toEqual({ handled: true, code: 'INVALID_SIGNATURE' })
    })

    it('falls back to the default response when it only observes (sync or async)', async () => {
      const logged: string[] = []
      for (const onError of [
        (error: WebhookVerificationError) => {
          logged.push(error.code)
        },
        async (error: WebhookVerificationError) => {
          await new Promise((resolve) => setTimeout(resolve, 5))
          logged.push(error.code)
        },
      ]) {
        const { app } = appWith({ secret: SECRET, onError })
        const res = await request(app).post('/webhooks').send(BODY)
        expect(res.status).toBe(401)
        expect(res.body.code).toBe('MISSING_HEADER')
      }
      expect(logged).toEqual(['MISSING_HEADER', 'MISSING_HEADER'])
    })

    it('a throwing onError reaches the Express error handler instead of crashing', async () => {
      const app = express()
      app.post(
        '/webhooks',
        webhook({
          secret: SECRET,
          now: NOW,
          onError: async () => {
            throw new Error('logger down')
          },
        }),
        (_req, res) => res.json({ received: true }),
      )
      const handler: ErrorRequestHandler = (error, _req, res, _next) => {
        res.status(502).json({ message: error.message })
      }
      app.use(handler)
      const res = await request(app).post('/webhooks').send(BODY)
      expect(res.status).toBe(502)
      expect(res.body).toEqual({ message: 'logger down' })
    })
  })

  describe('options are validated when webhook() is called', () => {
    const cases: Array<[string, unknown]> = [
      ['no options', undefined],
      ['null options', null],
      ['no secret', {}],
      ['an empty secret', { secret: '' }],
      ['an empty secret list', { secret: [] }],
      ['a negative maxBodyBytes', { secret: SECRET, maxBodyBytes: -1 }],
      ['a fractional maxBodyBytes', { secret: SECRET, maxBodyBytes: 1.5 }],
      ['a negative toleranceSeconds', { secret: SECRET, toleranceSeconds: -1 }],
      ['an unknown scheme', { secret: SECRET, scheme: 'nope' }],
      ['an onError that is not a function', { secret: SECRET, onError: 'log' }],
    ]
    it.each(cases)('%s is a TypeError', (_label, options) => {
      expect(() => webhook(options as Parameters<typeof webhook>[0])).toThrow(TypeError)
    })
  })

  describe('the rest of the app', () => {
    it('a JSON route in the same app keeps its own parsing', async () => {
      const app = express()
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (_req, res) =>
        res.json({ received: true }),
      )
      app.use(express.json())
      app.post('/api/echo', (req: Request, res) =>
        res.json({ echo: req.body, webhook: req.webhook ?? null }),
      )

      const echo = await request(app).post('/api/echo').send({ hello: 'world' })
      expect(echo.body).toEqual({ echo: { hello: 'world' }, webhook: null })
      const hook = await request(app).post('/webhooks').set(signedJson(BODY)).send(BODY)
      expect(hook.body).toEqual({ received: true })
    })

    it('with express.json({ verify: keepRawBody }) globally, both routes work', async () => {
      const app = express()
      app.use(express.json({ verify: keepRawBody }))
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (req, res) =>
        res.json({ id: (req.webhook as typeof EVENT).id, parsed: req.body }),
      )
      app.post('/api/echo', (req, res) => res.json({ echo: req.body }))

      // Whitespace the parser would drop on re-serialisation: only the kept bytes verify.
      const spaced = JSON.stringify(EVENT, null, 2)
      const hook = await request(app).post('/webhooks').set(signedJson(spaced)).send(spaced)
      expect(hook.status).toBe(200)
      expect(hook.body).toEqual({ id: 'evt_1', parsed: EVENT })
      const tampered = await request(app).post('/webhooks').set(signedJson(spaced)).send(BODY)
      expect(tampered.body.code).toBe('INVALID_SIGNATURE')
      const echo = await request(app).post('/api/echo').send({ hello: 'world' })
      expect(echo.body).toEqual({ echo: { hello: 'world' } })
    })

    it('a request the verifier rejects never reaches the next handler', async () => {
      let reached = false
      const app = express()
      app.post('/webhooks', webhook({ secret: SECRET, now: NOW }), (_req, res) => {
        reached = true
        res.json({ received: true })
      })
      const res = await request(app).post('/webhooks').set(signedJson('{}')).send(BODY)
      expect(res.status).toBe(401)
      expect(reached).toBe(false)
    })
  })
})
