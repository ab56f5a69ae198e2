import { JSON_HEADERS, NOW, SECRET, signHookguard } from '@hookguard/test-kit'
import fastify5, {
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
  type InjectOptions,
  type LightMyRequestResponse,
} from 'fastify'
import fastify4 from 'fastify4'
import { afterEach } from 'vitest'
import { type FastifyWebhookOptions, hookguard } from './index.js'

export type FastifyFactory = typeof fastify5

/** Both supported majors; suites run once per entry with `describe.each`. */
export const versions = [
  { name: 'fastify 5', major: '5', fastify: fastify5 },
  // Fastify 4's types are their own module; at runtime the API used here is the same.
  { name: 'fastify 4', major: '4', fastify: fastify4 as unknown as FastifyFactory },
] as const

/** hookguard's signature headers (the kit's independent signer) plus a JSON content type. */
export function signedJson(
  payload: string | Uint8Array,
  options?: Parameters<typeof signHookguard>[1],
): Record<string, string> {
  return { ...JSON_HEADERS, ...signHookguard(payload, options) }
}

/** What a webhook route's handler saw, as the harness's routes answer it. */
export interface Seen {
  event: unknown
  bodyIsEvent: boolean
  contentType: unknown
}

/**
 * Per-suite app factory for one Fastify major: every app it makes is closed after each test.
 * Call it inside the `describe.each(versions)` callback.
 */
export function harness(fastify: FastifyFactory) {
  const apps: FastifyInstance[] = []
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()))
  })

  /** A bare app, closed after the test. */
  function create(appOptions: FastifyServerOptions = {}): FastifyInstance {
    const app = fastify(appOptions)
    apps.push(app)
    return app
  }

  /**
   * An app with a webhook scope (`/webhooks`, and `/small` limited to 1 KiB) and a plain JSON
   * route outside it (`/api/echo`). `calls.webhook` counts handler runs in the scope; `routes`
   * declares more routes in the scope.
   */
  async function build(
    options: FastifyWebhookOptions = {},
    appOptions: FastifyServerOptions = {},
    routes: (webhooks: FastifyInstance) => void = () => {},
  ) {
    const app = create(appOptions)
    const calls = { webhook: 0 }
    const seen = (request: FastifyRequest): Seen => ({
      event: request.webhook,
      bodyIsEvent: request.body === request.webhook,
      contentType: request.headers['content-type'] ?? null,
    })
    await app.register(async (webhooks) => {
      await webhooks.register(hookguard, { secret: SECRET, now: NOW, ...options })
      webhooks.post('/webhooks', async (request) => {
        calls.webhook++
        return seen(request)
      })
      webhooks.post('/small', { config: { webhook: { maxBodyBytes: 1024 } } }, async (request) => {
        calls.webhook++
        return seen(request)
      })
      routes(webhooks)
    })
    app.post('/api/echo', async (request) => ({ body: request.body, webhook: request.webhook }))
    return { app, calls }
  }

  return { create, build }
}

/** A POST through `app.inject`, the way most tests send one. */
export function post(
  app: FastifyInstance,
  url: string,
  payload: NonNullable<InjectOptions['payload']>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, payload, headers })
}
