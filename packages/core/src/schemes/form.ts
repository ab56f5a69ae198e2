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

/** Form fields as an object: a field's value, or its values in order when it is repeated. */
export type FormFields = Record<string, string | string[]>

function decodeLeniently(text: string): string {
  // Most values (ids, numbers, plain words) have nothing to decode: skip the copies.
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    // Kept as sent: for a signed body the signature then simply does not match.
    return spaced
  }
}

/**
 * A form body as its senders mean it, for the senders that repeat fields (Twilio's repeated
 * parameters, Mailgun's user variables beside its own fields): a repeated field is an array of
 * its values in order, and a malformed `%` escape is kept as sent. Never throws.
 *
 * @example
 * formFields('To=%2B1555&Tag=a&Tag=b') // { To: '+1555', Tag: ['a', 'b'] }
 */
export function formFields(text: string): FormFields {
  const fields = new Map<string, string | string[]>()
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decodeLeniently(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : decodeLeniently(pair.slice(eq + 1))
    const seen = fields.get(name)
    if (seen === undefined) fields.set(name, value)
    else if (typeof seen === 'string') fields.set(name, [seen, value])
    else seen.push(value)
  }
  // fromEntries defines own properties, so a field named __proto__ stays a plain field.
  return Object.fromEntries(fields)
}
