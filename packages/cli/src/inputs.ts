import { readFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { type SchemeName, schemes } from '@hookguard/core'
import { UsageError } from './exit.js'

/** The flags every command that needs a secret takes. */
export interface SecretFlags {
  secret?: string
  secretEnv?: string
  secretFile?: string
}

/** The env variable read when no secret flag is given. */
export const SECRET_ENV = 'HOOKGUARD_SECRET'

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code}`)
  }
}

/**
 * The secret from exactly one of --secret, --secret-env, --secret-file, or HOOKGUARD_SECRET.
 * A secret file loses one final newline, as `$(cat file)` would; nothing else is trimmed, so
 * `verify --explain` can still point out stray whitespace.
 */
export async function readSecret(
  flags: SecretFlags,
  env: Record<string, string | undefined>,
): Promise<string> {
  const given = [flags.secret, flags.secretEnv, flags.secretFile].filter((f) => f !== undefined)
  if (given.length > 1) {
    throw new UsageError('give the secret once: --secret, --secret-env or --secret-file')
  }
  let secret: string | undefined
  if (flags.secretEnv !== undefined) {
    secret = env[flags.secretEnv]
    if (secret === undefined || secret === '') {
      throw new UsageError(`--secret-env: the variable ${flags.secretEnv} is not set`)
    }
  } else if (flags.secretFile !== undefined) {
    secret = (await readText(flags.secretFile, 'secret file')).replace(/\r?\n$/, '')
  } else {
    secret = flags.secret ?? env[SECRET_ENV]
  }
  if (secret === undefined || secret === '') {
    throw new UsageError(
      `no secret: use --secret-env NAME or --secret-file PATH (or --secret VALUE, or set ${SECRET_ENV})`,
    )
  }
  return secret
}

/** All of a stream, as bytes. */
export async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
  return new Uint8Array(Buffer.concat(chunks))
}

/** Bytes from a file, or from stdin for `-` (or no path when stdin is not a terminal). */
export async function readBytes(
  path: string | undefined,
  stdin: Readable & { isTTY?: boolean },
  flag: string,
): Promise<Uint8Array> {
  if (path === undefined || path === '-') {
    if (path === undefined && stdin.isTTY) {
      throw new UsageError(`no body: give ${flag} FILE, or pipe it on stdin`)
    }
    return readAll(stdin)
  }
  try {
    return new Uint8Array(await readFile(path))
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code}`)
  }
}

function headerLine(line: string, where: string): [string, string] {
  const colon = line.indexOf(':')
  if (colon <= 0) throw new UsageError(`${where}: expected "Name: value", got "${line}"`)
  return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
}

/** `-H 'Name: value'` flags as a header object (lower-case names; repeats joined by commas). */
export function headersFromFlags(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of lines) {
    const [name, value] = headerLine(line, '-H')
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`
  }
  return out
}

/**
 * A headers file: a JSON object, or `Name: value` lines as an HTTP capture shows them (a
 * request line such as `POST /webhooks HTTP/1.1` is skipped; a blank line ends the headers).
 */
export async function headersFromFile(path: string): Promise<Record<string, string>> {
  const text = await readText(path, 'headers file')
  if (text.trimStart().startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new UsageError(`--headers ${path}: not valid JSON`)
    }
    const out: Record<string, string> = {}
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
    }
    return out
  }
  const lines: string[] = []
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (lines.length > 0) break
      continue
    }
    if (lines.length === 0 && /^[A-Z]+ \S+ HTTP\/[\d.]+$/.test(line.trim())) continue
    lines.push(line)
  }
  return headersFromFlags(lines)
}

/** The built-in scheme names, from core's registry: new schemes appear here without edits. */
export const schemeNames = (): string[] => Object.keys(schemes)

export function schemeName(name: string): SchemeName {
  if (!Object.hasOwn(schemes, name)) {
    throw new UsageError(`unknown scheme "${name}"; expected one of ${schemeNames().join(', ')}`)
  }
  return name as SchemeName
}

/** A time flag (`--now`, `--since`): an ISO date or unix seconds. */
export function parseNow(text: string | undefined, flag = '--now'): Date | undefined {
  if (text === undefined) return undefined
  const date = /^\d+$/.test(text) ? new Date(Number(text) * 1000) : new Date(text)
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag}: expected an ISO date or unix seconds, got "${text}"`)
  }
  return date
}
