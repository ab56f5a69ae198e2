/** What a handler gets besides the event. */
export interface HandlerContext {
  /** The idempotency key's event id. */
  id: string
  /** The routing type. */
  type: string
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number
  /** Aborted when the claim's lease is lost (another process may now run this event). */
  signal: AbortSignal
}

/** Handles one event type. Throw to fail the attempt. */
export type Handler<E = unknown> = (event: E, context: HandlerContext) => unknown

/** Handlers keyed by event type: exact (`order.created`), prefix (`order.*`) or catch-all (`*`). */
export type Handlers<E = unknown> = Record<string, Handler<E>>

const PATTERN = /^(?:\*|[^*]+\.\*|[^*]+)$/

/**
 * Compiles `on` into a lookup that picks exactly one handler per type: an exact match, else
 * the longest matching `prefix.*`, else `*`. Validated once: a bad key is a `TypeError`.
 *
 * @example
 * const route = createRouter({ 'order.*': onOrder, 'order.created': onCreated })
 * route('order.created') // onCreated
 * route('order.paid') // onOrder
 */
export function createRouter<E>(
  on: Handlers<E>,
): (type: string | undefined) => Handler<E> | undefined {
  if (typeof on !== 'object' || on === null || Array.isArray(on)) {
    throw new TypeError('on must be an object of handlers keyed by event type')
  }
  const exact = new Map<string, Handler<E>>()
  const prefixes: Array<[string, Handler<E>]> = []
  let fallback: Handler<E> | undefined
  for (const [pattern, handler] of Object.entries(on)) {
    if (typeof handler !== 'function') throw new TypeError(`on["${pattern}"] must be a function`)
    if (!PATTERN.test(pattern)) {
      throw new TypeError(`on["${pattern}"]: use an exact type, "prefix.*" or "*"`)
    }
    if (pattern === '*') fallback = handler
    else if (pattern.endsWith('.*')) prefixes.push([pattern.slice(0, -1), handler])
    else exact.set(pattern, handler)
  }
  prefixes.sort((a, b) => b[0].length - a[0].length)
  return (type) => {
    if (type === undefined) return fallback
    const hit = exact.get(type)
    if (hit) return hit
    for (const [prefix, handler] of prefixes) if (type.startsWith(prefix)) return handler
    return fallback
  }
}
