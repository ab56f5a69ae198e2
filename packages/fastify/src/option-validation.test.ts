import { SECRET } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { type FastifyWebhookOptions, hookguard } from './index.js'
import { harness, versions } from './test-harness.js'

describe.each(versions)('$name', ({ fastify }) => {
  const { create } = harness(fastify)

  describe('option validation', () => {
    async function registerWith(options: unknown) {
      const app = create()
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
      ['processing options without on', { ack: 'after' }, /only applies together with on/],
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
