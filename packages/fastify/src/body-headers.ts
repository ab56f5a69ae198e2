import type { FastifyRequest } from 'fastify'

// What Fastify's body step (handleRequest, on 4 and 5) looks at to decide whether to run a
// content-type parser: with none of them, a request goes straight on to preValidation.
const BODY_HEADERS = ['content-type', 'content-length', 'transfer-encoding'] as const

const restorers = new WeakMap<FastifyRequest, () => void>()

/**
 * Makes Fastify skip its content-type parser for a body the plugin has already read: no 415 for
 * form-encoded or untyped bodies, no second JSON parse, and the route's `bodyLimit` stays out of
 * the way of `maxBodyBytes`. Parsers are per encapsulation context, not per route, so this is
 * the one way to do it for a single route without touching the parsing of the app's other routes.
 *
 * The headers are hidden for one read only: Fastify's body step reads `request.headers` once,
 * right after the last preParsing hook, and every later read sees them again. `restore` is the
 * fallback for a method whose body step does not read them (GET, HEAD); `request.raw.headers`
 * is never touched.
 */
export function hideBodyHeadersOnce(request: FastifyRequest): void {
  const visible: Record<string, unknown> = { ...request.headers }
  for (const name of BODY_HEADERS) delete visible[name]
  const restore = () => {
    restorers.delete(request)
    Reflect.deleteProperty(request, 'headers')
  }
  // An own accessor shadows Fastify's prototype getter/setter; deleting it brings them back.
  Object.defineProperty(request, 'headers', {
    configurable: true,
    enumerable: true,
    get() {
      restore()
      return visible
    },
    set(value) {
      restore()
      request.headers = value
    },
  })
  restorers.set(request, restore)
}

/** Undoes `hideBodyHeadersOnce` if nothing has read the headers since. */
export function restoreBodyHeaders(request: FastifyRequest): void {
  restorers.get(request)?.()
}
