import { Readable } from 'node:stream'
import {
  BODY,
  bytes,
  MiB,
  NOW,
  NOW_S,
  OTHER_SECRET,
  SECRET,
  signHookguard,
} from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { hookguard } from './index.js'
import { harness, post, signedJson, versions } from './test-harness.js'

describe.each(versions)('$name', ({ fastify }) => {
  const { create, build } = harness(fastify)

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
      const res = await post(app, '/webhooks', BODY, { 'content-type': 'application/json' })
      await expectRejected(res, 401, 'MISSING_HEADER')
      expect(calls.webhook).toBe(0)
    })

    it('INVALID_SIGNATURE: 401 for a signature by another secret or over another body', async () => {
      const { app, calls } = await build()
      for (const headers of [signedJson(BODY, { secret: OTHER_SECRET }), signedJson(`${BODY} `)]) {
        const res = await app.inject({ method: 'POST', url: '/webhooks', payload: BODY, headers })
        await expectRejected(res, 401, 'INVALID_SIGNATURE')
      }
      expect(calls.webhook).toBe(0)
    })

    it('INVALID_TIMESTAMP: 401 for a timestamp that is not whole seconds', async () => {
      const { app } = await build()
      const res = await post(app, '/webhooks', BODY, signedJson(BODY, { timestamp: 'abc' }))
      await expectRejected(res, 401, 'INVALID_TIMESTAMP')
    })

    it('TIMESTAMP_EXPIRED: 401 for an authentic request outside the tolerance', async () => {
      const { app } = await build()
      for (const timestamp of [NOW_S - 301, NOW_S + 301]) {
        const res = await post(app, '/webhooks', BODY, signedJson(BODY, { timestamp }))
        await expectRejected(res, 401, 'TIMESTAMP_EXPIRED')
      }
    })

    it('INVALID_PAYLOAD: 400 for a validly signed body that is not JSON', async () => {
      const { app, calls } = await build()
      const raw = 'not json'
      const res = await post(app, '/webhooks', raw, signedJson(raw))
      await expectRejected(res, 400, 'INVALID_PAYLOAD')
      expect(calls.webhook).toBe(0)
    })

    it('PAYLOAD_TOO_LARGE: 413 for a declared length over the limit', async () => {
      const { app, calls } = await build()
      const raw = bytes(1025)
      const res = await post(app, '/small', raw, signedJson(raw))
      await expectRejected(res, 413, 'PAYLOAD_TOO_LARGE')
      // The body was read away before the 413, so the connection stays usable.
      expect(res.headers.connection).not.toBe('close')
      expect(calls.webhook).toBe(0)
    })

    it('PAYLOAD_TOO_LARGE: 413 for a chunked body that streams past the limit', async () => {
      const { app, calls } = await build()
      const chunks = Array.from({ length: 8 }, () => Buffer.from(bytes(200)))
      const res = await post(app, '/small', Readable.from(chunks), signedJson('irrelevant'))
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
      const res = await post(app, '/webhooks', fifty, {
        ...signedJson('irrelevant'),
        'content-length': String(50 * MiB),
      })
      await expectRejected(res, 413, 'PAYLOAD_TOO_LARGE')
      expect(res.json().code).not.toBe('FST_ERR_CTP_BODY_TOO_LARGE')
      expect(calls.webhook).toBe(0)
    })

    it('PAYLOAD_TOO_LARGE: a body over the 1 MiB default, whatever its content type', async () => {
      const { app } = await build()
      const raw = bytes(MiB + 1)
      for (const type of ['application/json', 'application/x-www-form-urlencoded', undefined]) {
        const res = await post(app, '/webhooks', raw, {
          ...signHookguard(raw),
          ...(type ? { 'content-type': type } : {}),
        })
        await expectRejected(res, 413, 'PAYLOAD_TOO_LARGE')
      }
    })

    it('RAW_BODY_UNAVAILABLE: 500 when an earlier hook consumed the body, never a hang', async () => {
      const app = create()
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW })
        webhooks.post(
          '/webhooks',
          {
            onRequest: (request, _reply, done) => {
              request.raw.resume()
              request.raw.on('end', () => done())
            },
          },
          async () => 'unreachable',
        )
      })
      const res = await post(app, '/webhooks', BODY, signedJson(BODY))
      await expectRejected(res, 500, 'RAW_BODY_UNAVAILABLE')
    })

    it('RAW_BODY_UNAVAILABLE: 500 when an earlier hook set the body stream flowing', async () => {
      // Chunks it emits before hookguard listens are lost: refused as the Express and node
      // adapters refuse it (core's bodyStreamTaken), not verified over part of the body.
      const app = create()
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW })
        webhooks.post(
          '/webhooks',
          {
            onRequest: (request, _reply, done) => {
              request.raw.on('data', () => {})
              done()
            },
          },
          async () => 'unreachable',
        )
      })
      const res = await post(app, '/webhooks', BODY, signedJson(BODY))
      await expectRejected(res, 500, 'RAW_BODY_UNAVAILABLE')
    })

    it('RAW_BODY_UNAVAILABLE: 500 when a parser added to the scope parsed the body', async () => {
      const app = create()
      let ran = 0
      await app.register(async (webhooks) => {
        await webhooks.register(hookguard, { secret: SECRET, now: NOW })
        webhooks.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, text, done) =>
          done(null, JSON.parse(text as string)),
        )
        webhooks.post('/webhooks', async () => {
          ran++
          return 'unverified'
        })
      })
      const res = await post(app, '/webhooks', BODY, signedJson(BODY))
      await expectRejected(res, 500, 'RAW_BODY_UNAVAILABLE')
      expect(res.json().error).toMatch(/add no parser/)
      expect(ran).toBe(0)
    })
  })
})
