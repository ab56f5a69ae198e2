import type { FastifyRequest } from 'fastify'

// What Fastify's body step (handleRequest, on 4 and 5) looks at to decide whether to run a
// content-type parser: with none of them, a request goes straight on to preValidation.
const HIDDEN = Object.freeze({
  'content-type': undefined,
  'content-length': undefined,
  'transfer-encoding': undefined,
})

// Requests whose body headers are hidden, with any headers a hook had set before ours.
const hidden = new WeakMap<FastifyRequest, FastifyRequest['headers'] | undefined>()

/**
 * Makes Fastify skip its content-type parser for a body the plugin has already read: no 415 for
 * form-encoded or untyped bodies, no second JSON parse, and the route's `bodyLimit` stays out of
 * the way of `maxBodyBytes`. Parsers are per encapsulation context, not per route, so this is
 * the one way to do it for a single route without touching the parsing of the app's other routes.
 *
 * It goes through Fastify's own `request.headers` setter, which overlays extra headers on
 * `request.raw.headers` (never modified), until `restoreBodyHeaders` runs in the first
 * preValidation hook, right after Fastify's body step. A shared frozen overlay keeps this cheap
 * (an accessor on the request itself pushed every request off V8's fast path: +25 µs each).
 */
export function hideBodyHeaders(request: FastifyRequest): void {
  const current = request.headers
  const added = current === request.raw.headers ? undefined : current
  hidden.set(request, added)
  request.headers = (added ? { ...added, ...HIDDEN } : HIDDEN) as FastifyRequest['headers']
}

/** Shows the body headers again; a no-op for a request whose headers were not hidden. */
export function restoreBodyHeaders(request: FastifyRequest): void {
  if (!hidden.has(request)) return
  const added = hidden.get(request)
  hidden.delete(request)
  request.headers = added as FastifyRequest['headers']
}
