/** Request headers as a Web `Headers` or a Node-style object (any letter case, array values). */
export type HeadersInput = Headers | Record<string, string | string[] | undefined>

/** Reads one header by lower-case name; `undefined` when absent or empty. */
export type HeaderGetter = (name: string) => string | undefined

function isHeaders(headers: HeadersInput): headers is Headers {
  return typeof (headers as Headers).get === 'function'
}

function join(value: string | string[] | undefined | null): string | undefined {
  if (value == null) return undefined
  const text = (Array.isArray(value) ? value.join(',') : String(value)).trim()
  return text === '' ? undefined : text
}

/**
 * Wraps either header shape in one case-insensitive getter.
 *
 * @example
 * headerGetter({ 'X-Webhook-Id': 'evt_1' })('x-webhook-id') // 'evt_1'
 */
export function headerGetter(headers: HeadersInput): HeaderGetter {
  if (isHeaders(headers)) return (name) => join(headers.get(name))
  return (name) => {
    // Node and most frameworks already lower-case names: try the direct hit first.
    const direct = headers[name]
    if (direct !== undefined) return join(direct)
    for (const key in headers) {
      if (key.length === name.length && key.toLowerCase() === name) return join(headers[key])
    }
    return undefined
  }
}
