import { explain, type SchemeName, verifyWebhook, WebhookVerificationError } from '@hookguard/core'
import { EXIT, type ExitCode, UsageError } from '../exit.js'
import {
  headersFromFile,
  headersFromFlags,
  parseNow,
  readBytes,
  readSecret,
  type SecretFlags,
} from '../inputs.js'
import type { CliIo } from '../io.js'
import { renderExplanation } from '../render.js'
import type { Colors } from '../style.js'

export interface VerifyFlags extends SecretFlags {
  header: string[]
  headers?: string
  body?: string
  scheme: SchemeName
  url?: string
  now?: string
  tolerance?: number
  explain?: boolean
  json?: boolean
}

export async function verifyCommand(flags: VerifyFlags, io: CliIo, c: Colors): Promise<ExitCode> {
  const secret = await readSecret(flags, io.env)
  const headers = {
    ...(flags.headers === undefined ? {} : await headersFromFile(flags.headers)),
    ...headersFromFlags(flags.header),
  }
  if (Object.keys(headers).length === 0) {
    throw new UsageError('no headers: give -H "Name: value" flags or --headers FILE')
  }
  const payload = await readBytes(flags.body, io.stdin, '--body')
  const now = parseNow(flags.now)
  const options = {
    payload,
    headers,
    secret,
    scheme: flags.scheme,
    ...(now === undefined ? {} : { now }),
    ...(flags.tolerance === undefined ? {} : { toleranceSeconds: flags.tolerance }),
    ...(flags.url === undefined ? {} : { url: flags.url }),
  }
  let event: { id: string | undefined; type: string | undefined } | undefined
  let failure: WebhookVerificationError | undefined
  try {
    const verified = await verifyWebhook(options)
    event = { id: verified.id, type: verified.type }
  } catch (error) {
    if (error instanceof WebhookVerificationError) failure = error
    else if (error instanceof TypeError && !flags.explain) throw new UsageError(error.message)
    else if (!(error instanceof TypeError)) throw error
  }

  if (flags.explain) {
    const explanation = await explain(options)
    if (flags.json) io.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`)
    else io.stdout.write(renderExplanation(explanation, c, event))
    return explanation.verdict === 'valid' ? EXIT.OK : EXIT.REJECTED
  }
  if (flags.json) {
    const result = failure
      ? { verdict: 'invalid', scheme: flags.scheme, error: failure.toJSON() }
      : { verdict: 'valid', scheme: flags.scheme, ...event }
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  } else if (failure) {
    io.stdout.write(`${c.red('✗ invalid')}  ${flags.scheme}  ${failure.code}: ${failure.message}\n`)
    io.stderr.write(c.dim('run it again with --explain to find out why\n'))
  } else {
    io.stdout.write(
      renderExplanation({ verdict: 'valid', scheme: flags.scheme, findings: [] }, c, event),
    )
  }
  return failure ? EXIT.REJECTED : EXIT.OK
}
