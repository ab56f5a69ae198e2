import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { explain, type SchemeName, WebhookVerificationError } from '@hookguard/core'
import { createReceiver, errorResponse, readNodeStream } from '@hookguard/core/adapter'
import { EXIT, type ExitCode, UsageError } from '../exit.js'
import { readSecret, type SecretFlags } from '../inputs.js'
import type { CliIo } from '../io.js'
import { renderExplanation } from '../render.js'
import type { Colors } from '../style.js'

export interface ListenFlags extends SecretFlags {
  port: number
  host: string
  path?: string
  forward?: string
  scheme: SchemeName
  tolerance?: number
  json?: boolean
}

// Hop-by-hop and length headers are the forwarding hop's own, never copied.
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
])

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

async function forward(
  target: string,
  req: IncomingMessage,
  payload: Uint8Array,
): Promise<{ status: number; body: Buffer; contentType: string }> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue
    headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  const response = await fetch(target, {
    method: 'POST',
    headers,
    body: payload as Uint8Array<ArrayBuffer>,
  })
  return {
    status: response.status,
    body: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
  }
}

/**
 * A local receiver: verifies each POST, prints the event (or why it failed), answers like an
 * adapter would, and with --forward hands verified deliveries on to the application.
 */
export async function listenCommand(flags: ListenFlags, io: CliIo, c: Colors): Promise<ExitCode> {
  const secret = await readSecret(flags, io.env)
  if (flags.forward !== undefined && !/^https?:\/\//.test(flags.forward)) {
    throw new UsageError(`--forward: "${flags.forward}" is not an http(s) URL`)
  }
  let receiver: ReturnType<typeof createReceiver>
  try {
    receiver = createReceiver({
      secret,
      scheme: flags.scheme,
      ...(flags.tolerance === undefined ? {} : { toleranceSeconds: flags.tolerance }),
    })
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message)
    throw error
  }
  const log = (record: Record<string, unknown>, human: string) => {
    io.stdout.write(flags.json ? `${JSON.stringify(record)}\n` : human)
  }
  const time = () => new Date().toISOString().slice(11, 19)

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'POST' || (flags.path !== undefined && path !== flags.path)) {
      send(res, 404, { error: 'Not found: POST the webhooks here', code: 'NOT_FOUND' })
      return
    }
    let payload: Uint8Array
    try {
      payload = await readNodeStream(req, receiver.maxBodyBytes)
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        const { status, body, headers } = errorResponse(error)
        send(res, status, body, headers)
      } else res.destroy()
      return
    }
    const headers = req.headers as Record<string, string | string[] | undefined>
    try {
      const outcome = await receiver.receive({ payload, headers })
      const webhook = outcome.webhook
      let status = 200
      let forwarded = false
      if (outcome.action === 'respond') {
        status = outcome.status
        send(res, outcome.status, outcome.body, outcome.headers)
      } else if (flags.forward !== undefined) {
        try {
          const answer = await forward(flags.forward, req, payload)
          status = answer.status
          forwarded = true
          res.writeHead(answer.status, { 'content-type': answer.contentType })
          res.end(answer.body)
        } catch (error) {
          status = 502
          send(res, 502, {
            error: `Forwarding failed: ${(error as Error).message}`,
            code: 'FORWARD_FAILED',
          })
        }
      } else send(res, 200, { received: true })
      log(
        {
          verdict: 'valid',
          scheme: flags.scheme,
          id: webhook?.id,
          type: webhook?.type,
          status,
          forwarded,
          event: webhook?.event,
        },
        `${c.dim(time())} ${c.green('✓')} ${webhook?.type ?? '(no type)'} ${c.dim(webhook?.id ?? '')} → ${status}${forwarded ? ` ${c.dim(`(forwarded to ${flags.forward})`)}` : ''}\n${c.dim(JSON.stringify(webhook?.event, null, 2))}\n`,
      )
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error
      const { status, body } = errorResponse(error)
      send(res, status, body)
      const explanation = await explain({
        payload,
        headers,
        secret,
        scheme: flags.scheme,
        ...(flags.tolerance === undefined ? {} : { toleranceSeconds: flags.tolerance }),
      })
      log(
        { ...explanation, status },
        `${c.dim(time())} ${c.red('✗')} → ${status}\n${renderExplanation(explanation, c)}`,
      )
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      io.stderr.write(`${c.red('error')} ${(error as Error).message}\n`)
      if (!res.headersSent) send(res, 500, { error: 'Internal error', code: 'INTERNAL' })
    })
  })
  // Handlers first: a signal that arrives right after "listening on" still stops cleanly.
  let stopping = false
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      if (stopping) return
      stopping = true
      server.close(() => resolve())
      server.closeAllConnections()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UsageError(`port ${flags.port} is in use`) : error),
    )
    server.listen(flags.port, flags.host, resolve)
  })
  const { port } = server.address() as AddressInfo
  io.stderr.write(
    `listening on http://${flags.host}:${port}${flags.path ?? '/'} (${flags.scheme})${flags.forward ? `, forwarding to ${flags.forward}` : ''}\n`,
  )
  await stopped
  return EXIT.OK
}
