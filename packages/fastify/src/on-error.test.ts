import { BODY, bytes, OTHER_SECRET, signHookguard } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { harness, post, signedJson, versions } from './test-harness.js'

describe.each(versions)('$name', ({ fastify }) => {
  const { build } = harness(fastify)

  describe('onError', () => {
    it('gets the error, the request and the reply, and can take over the response', async () => {
      const got: unknown[] = []
      const { app, calls } = await build({
        onError: (error, request, reply) => {
          got.push(error.code, error.status, request.url)
          reply.code(418).send({ teapot: error.code })
        },
      })
      const res = await post(app, '/webhooks', BODY)
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
      const res = await post(app, '/webhooks', BODY)
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
      const res = await post(app, '/webhooks', BODY)
      expect(res.statusCode).toBe(418)
      expect(res.json()).toEqual({ took: 'over' })
      expect(res.headers['x-on-send']).toBe('yes')
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(lines).toEqual([])
    })

    it('falls back to the default response when it only observes', async () => {
      const codes: string[] = []
      const { app } = await build({ onError: (error) => void codes.push(error.code) })
      const res = await post(app, '/webhooks', BODY, signedJson(BODY, { secret: OTHER_SECRET }))
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
      const res = await post(app, '/webhooks', BODY)
      expect(res.statusCode).toBe(503)
      expect(res.json().message).toBe('onError broke')
    })

    it('is told about a 413 too', async () => {
      const codes: string[] = []
      const { app } = await build({ onError: (error) => void codes.push(error.code) })
      const raw = bytes(2048)
      const res = await post(app, '/small', raw, signHookguard(raw))
      expect(res.statusCode).toBe(413)
      expect(codes).toEqual(['PAYLOAD_TOO_LARGE'])
    })
  })
})
