import { readdirSync, readFileSync } from 'node:fs'

/** One explain corpus case (test/fixtures/explain, written by generate.ts). */
export interface Fixture {
  name: string
  scheme: string
  mistake: string
  expect: string
  now: string
  secret: string
  url?: string
  parsedPayload?: unknown
  request: { headers: Record<string, string>; body: string; bodyEncoding: 'utf8' | 'base64' }
}

const dir = new URL('../fixtures/explain/', import.meta.url)

export const fixtures: Fixture[] = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture)

export const fixture = (name: string): Fixture => {
  const found = fixtures.find((f) => f.name === name)
  if (!found) throw new Error(`no fixture ${name}`)
  return found
}

export const bodyBytes = (f: Fixture): Uint8Array =>
  new Uint8Array(
    Buffer.from(f.request.body, f.request.bodyEncoding === 'base64' ? 'base64' : 'utf8'),
  )
