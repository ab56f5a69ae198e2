import { type SchemeName, sign } from '@hookguard/core'
import { signedBody } from '../envelope.js'
import { EXIT, type ExitCode, UsageError } from '../exit.js'
import { readBytes, readSecret, type SecretFlags } from '../inputs.js'
import type { CliIo } from '../io.js'

export interface SignFlags extends SecretFlags {
  body?: string
  scheme: SchemeName
  timestamp?: number
  id?: string
  url?: string
  curl?: string
  json?: boolean
}

/** Quotes a value for POSIX shells. */
export const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`

/** The content type a sender would give this body. */
export function contentTypeOf(text: string): string {
  if (/^\s*[[{]/.test(text)) return 'application/json'
  if (/^[\w.%+-]+=/.test(text)) return 'application/x-www-form-urlencoded'
  return 'application/octet-stream'
}

export async function signCommand(flags: SignFlags, io: CliIo): Promise<ExitCode> {
  const secret = await readSecret(flags, io.env)
  const payload = await readBytes(flags.body, io.stdin, '--body')
  const url = flags.url ?? flags.curl
  let headers: Record<string, string>
  try {
    // `url` is for the schemes that sign it; the others ignore it.
    const input: Parameters<typeof sign>[0] & { url?: string } = {
      payload,
      secret,
      scheme: flags.scheme,
      ...(flags.timestamp === undefined ? {} : { timestamp: flags.timestamp }),
      ...(flags.id === undefined ? {} : { id: flags.id }),
      ...(url === undefined ? {} : { url }),
    }
    headers = await sign(input)
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message)
    throw error
  }
  let text = Buffer.from(payload).toString('utf8')
  // Mailgun's signature goes in the body: print the signed body instead of headers.
  const inBody = bodyWithSignature(flags.scheme, text, headers)
  if (inBody !== undefined) {
    text = inBody
    headers = {}
  }
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify(inBody === undefined ? { headers } : { headers, body: text }, null, 2)}\n`,
    )
  } else if (flags.curl !== undefined) {
    const parts = ['curl', '-sS', '-X', 'POST', shellQuote(flags.curl)]
    parts.push('-H', shellQuote(`content-type: ${contentTypeOf(text)}`))
    for (const [name, value] of Object.entries(headers))
      parts.push('-H', shellQuote(`${name}: ${value}`))
    const fromFile = flags.body !== undefined && flags.body !== '-' && inBody === undefined
    parts.push('--data-binary', fromFile ? shellQuote(`@${flags.body}`) : shellQuote(text))
    io.stdout.write(`${parts.join(' ')}\n`)
  } else if (inBody !== undefined) {
    io.stdout.write(`${text}\n`)
  } else {
    for (const [name, value] of Object.entries(headers)) io.stdout.write(`${name}: ${value}\n`)
  }
  return EXIT.OK
}

function bodyWithSignature(
  scheme: string,
  text: string,
  fields: Record<string, string>,
): string | undefined {
  try {
    return signedBody(scheme, text, fields)
  } catch {
    throw new UsageError(
      `--body: the ${scheme} signature goes in the body, which is not valid JSON`,
    )
  }
}
