const decode = (text: string): string => decodeURIComponent(text.replaceAll('+', ' '))

/**
 * Parses an `application/x-www-form-urlencoded` body into a flat object of strings.
 * Strict where `URLSearchParams` is lenient: a malformed `%` escape is a `URIError` and a
 * repeated field a `SyntaxError` (which value would win is ambiguous), so a body
 * can't be read two ways. `verify` reports either as `INVALID_PAYLOAD`.
 *
 * @example
 * parseFormBody('command=%2Fdeploy&text=api+v2') // { command: '/deploy', text: 'api v2' }
 */
export function parseFormBody(text: string): Record<string, string> {
  const fields = new Map<string, string>()
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decode(eq < 0 ? pair : pair.slice(0, eq))
    if (fields.has(name)) throw new SyntaxError(`form field "${name}" appears more than once`)
    fields.set(name, eq < 0 ? '' : decode(pair.slice(eq + 1)))
  }
  // fromEntries defines own properties, so a field named __proto__ stays a plain field.
  return Object.fromEntries(fields)
}
