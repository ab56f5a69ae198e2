import { BODY, EVENT, NOW, SECRET } from '@hookguard/test-kit'
import fastify, { type FastifyContextConfig, type FastifyRequest } from 'fastify'
import { describe, expect, expectTypeOf, it } from 'vitest'
import hookguardDefault, {
  type FastifyWebhookOptions,
  type FastifyWebhookRouteOptions,
  hookguard,
} from './index.js'
import { post, signedJson } from './test-harness.js'

// These assertions are checked by `tsc` (the root typecheck includes test files); the runtime
// parts check what the types promise.
describe('types', () => {
  it('types request.webhook as unknown, set to the event on a webhook route', async () => {
    expectTypeOf<FastifyRequest['webhook']>().toEqualTypeOf<unknown>()
    const app = fastify()
    await app.register(async (webhooks) => {
      await webhooks.register(hookguard, { secret: SECRET, now: NOW })
      webhooks.post('/webhooks', async (request) => {
        // @ts-expect-error unknown until narrowed: the plugin cannot know the sender's event shape
        request.webhook.id
        const { id } = request.webhook as typeof EVENT
        expectTypeOf(id).toEqualTypeOf<string>()
        return { id }
      })
    })
    const res = await post(app, '/webhooks', BODY, signedJson(BODY))
    expect(res.json()).toEqual({ id: EVENT.id })
    await app.close()
  })

  it('types config.webhook as true or route options', () => {
    expectTypeOf<FastifyContextConfig['webhook']>().toEqualTypeOf<
      true | FastifyWebhookRouteOptions | undefined
    >()
    expectTypeOf<FastifyWebhookRouteOptions>().toHaveProperty('maxBodyBytes')
    expectTypeOf<FastifyWebhookRouteOptions>().toHaveProperty('on')
    expectTypeOf<FastifyWebhookOptions>().toHaveProperty('onError')
    const typeOnly = () => {
      const app = fastify()
      app.post(
        '/ok',
        { config: { webhook: { maxBodyBytes: 1024, toleranceSeconds: 60 } } },
        () => '',
      )
      // @ts-expect-error a string is no webhook setting
      const setting: FastifyContextConfig['webhook'] = 'yes'
      // @ts-expect-error every route of the plugin's scope is a webhook route: no opting out
      const optOut: FastifyContextConfig['webhook'] = false
      void setting
      void optOut
      // @ts-expect-error maxBodyBytes is a number of bytes
      app.post('/b', { config: { webhook: { maxBodyBytes: '1mb' } } }, () => '')
      // @ts-expect-error the secret is a string or bytes
      void app.register(hookguard, { secret: 42 })
    }
    expect(typeOnly).toBeTypeOf('function')
  })

  it('exports the same plugin as default and as hookguard, wrapped by fastify-plugin', () => {
    expect(hookguardDefault).toBe(hookguard)
    const meta = hookguard as unknown as Record<symbol, unknown>
    // fastify-plugin's marker: the plugin's hooks and decorator reach the registering context.
    expect(meta[Symbol.for('skip-override')]).toBe(true)
    expect(meta[Symbol.for('fastify.display-name')]).toBe('@hookguard/fastify')
  })
})
