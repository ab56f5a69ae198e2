/**
 * Whether a handler's second argument (Hono's `c.env`, a Web handler's context) is
 * @hono/node-server's documented `HttpBindings`: the request runs on Node's own HTTP server.
 *
 * @example
 * const body = await readWebStream(request.body, maxBytes, { nodeBridge: onNodeServer(env) })
 */
export function onNodeServer(env: unknown): boolean {
  const bindings = env as { incoming?: unknown; outgoing?: unknown } | null | undefined
  return typeof bindings?.incoming === 'object' && typeof bindings.outgoing === 'object'
}
