import { readdirSync, readFileSync } from 'node:fs'

/**
 * One explain corpus case: a request as a receiver captured it plus the mistake that broke it
 * (test/fixtures/explain, written by its generate.ts, which writes this shape).
 */
export interface Fixture {
  name: string
  scheme: string
  mistake: string
  /** The first finding explain must report, or "valid". */
  expect: string
  now: string
  secret: string
  url?: string
  /** A parsed object passed as the payload (API only; a CLI cannot receive one). */
  parsedPayload?: unknown
  request: {
    method: 'POST'
    headers: Record<string, string>
    body: string
    bodyEncoding: 'utf8' | 'base64'
  }
}

const dir = new URL('../../fixtures/explain/', import.meta.url)

/**
 * Every case of the corpus, in file-name order.
 *
 * @example
 * it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => { … })
 */
export const fixtures: Fixture[] = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture)

/**
 * The case named `name`; throws when the corpus has none, so a renamed case fails loudly.
 *
 * @example
 * const { request } = fixture('stripe-clock-skew')
 */
export function fixture(name: string): Fixture {
  const found = fixtures.find((f) => f.name === name)
  if (!found) throw new Error(`no fixture ${name}`)
  return found
}

/**
 * The captured body as the bytes the receiver got.
 *
 * @example
 * writeFileSync(file, bodyBytes(fixture('github-gzip-not-decompressed')))
 */
export function bodyBytes(f: Fixture): Uint8Array {
  return new Uint8Array(
    Buffer.from(f.request.body, f.request.bodyEncoding === 'base64' ? 'base64' : 'utf8'),
  )
}
