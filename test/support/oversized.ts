import { spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'

/** How a client sends an oversized body: with a Content-Length, or chunked. */
export type Framing = 'declared' | 'chunked'

/** The clients a 413 must reach: see each one below. */
export type Client = 'send-then-read' | 'node:http' | 'fetch' | 'curl'

/** What the client read: the status and body it got, or the error it got instead. */
export interface Read {
  status: number | undefined
  body: string
  error: string | undefined
}

const HEADERS = { 'content-type': 'application/json' }

/** node:http, writing the whole body (as one buffer) before it cares about the answer. */
export function nodeHttpClient(url: string, body: Buffer, framing: Framing): Promise<Read> {
  return new Promise((resolve) => {
    const read: Read = { status: undefined, body: '', error: undefined }
    const req = httpRequest(url, {
      method: 'POST',
      headers:
        framing === 'declared'
          ? { ...HEADERS, 'content-length': String(body.length) }
          : { ...HEADERS, 'transfer-encoding': 'chunked' },
    })
    req.on('response', (res) => {
      read.status = res.statusCode
      res.setEncoding('utf8')
      res.on('data', (text: string) => {
        read.body += text
      })
      res.on('end', () => {
        // The answer is read: a sender stops uploading here.
        req.destroy()
        resolve(read)
      })
      res.on('error', (error) => {
        read.error = error.message
        resolve(read)
      })
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      read.error ??= error.code ?? error.message
      if (read.status === undefined || !read.body) resolve(read)
    })
    req.end(body)
  })
}

/** fetch (undici): a Buffer body is declared, a ReadableStream body is chunked. */
export async function fetchClient(url: string, body: Buffer, framing: Framing): Promise<Read> {
  const controller = new AbortController()
  const CHUNK = 256 * 1024
  const init: RequestInit & { duplex?: 'half' } =
    framing === 'declared'
      ? {
          method: 'POST',
          headers: HEADERS,
          body: body as unknown as BodyInit,
          signal: controller.signal,
        }
      : {
          method: 'POST',
          headers: HEADERS,
          duplex: 'half',
          signal: controller.signal,
          body: new ReadableStream({
            start(c) {
              for (let at = 0; at < body.length; at += CHUNK)
                c.enqueue(body.subarray(at, at + CHUNK))
              c.close()
            },
          }),
        }
  try {
    const response = await fetch(url, init)
    const text = await response.text()
    controller.abort()
    return { status: response.status, body: text, error: undefined }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    return { status: undefined, body: '', error: cause?.code ?? String(error) }
  }
}

/** curl, uploading a file of `size` bytes; chunked with `Transfer-Encoding: chunked`. */
export function curlClient(url: string, file: string, framing: Framing): Promise<Read> {
  return new Promise((resolve) => {
    const args = ['-sS', '-X', 'POST', '-H', 'content-type: application/json', '-T', file]
    if (framing === 'chunked') args.push('-H', 'transfer-encoding: chunked')
    args.push('-w', '\n%{http_code}', url)
    const child = spawn('curl', args)
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk
    })
    child.on('close', () => {
      const cut = out.lastIndexOf('\n')
      const status = Number(out.slice(cut + 1))
      resolve({
        status: status > 0 ? status : undefined,
        body: out.slice(0, cut),
        error: err.trim() || undefined,
      })
    })
  })
}

/** Whether the sender read the receiver's 413 `PAYLOAD_TOO_LARGE` (not a reset, not another answer). */
export function readThe413(read: Read): boolean {
  return read.status === 413 && /"code"\s*:\s*"PAYLOAD_TOO_LARGE"/.test(read.body)
}

/** The status and body of an HTTP/1.1 answer read off a plain socket. */
function rawRead(chunks: Buffer[], error: string | undefined): Read {
  const text = Buffer.concat(chunks).toString('latin1')
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]
  return {
    status: status === undefined ? undefined : Number(status),
    body: text.slice(text.indexOf('\r\n\r\n') + 4),
    error,
  }
}

/**
 * A sender that reads the answer only once its whole body is sent (as many HTTP client libraries
 * do): over a plain socket, it writes the request, waits until the kernel took every byte, and only
 * then reads. A server that closes while the body is still arriving leaves it a reset instead of
 * the answer.
 */
export function sendThenReadClient(url: string, body: Buffer, framing: Framing): Promise<Read> {
  const { hostname, port, pathname } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    let error: string | undefined
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message
    })
    socket.pause()
    socket.on('close', () => {
      resolve(rawRead(chunks, error))
    })
    const head =
      `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\n` +
      (framing === 'declared'
        ? `content-length: ${body.length}\r\n`
        : 'transfer-encoding: chunked\r\n') +
      'connection: close\r\n\r\n'
    socket.write(head)
    if (framing === 'declared') socket.write(body)
    else {
      socket.write(`${body.length.toString(16)}\r\n`)
      socket.write(body)
      socket.write('\r\n0\r\n\r\n')
    }
    socket.write('', () => {
      // Everything is sent: now read the answer.
      socket.on('data', (chunk: Buffer) => chunks.push(chunk))
      socket.resume()
    })
  })
}

/** A sender whose chunked body never ends: see `sendEndless`. */
export type EndlessClient = 'fetch' | 'keeps-writing'

const ENDLESS_CHUNK = 64 * 1024

/**
 * fetch (undici) uploading a chunked body that never ends, which it reads the answer of while it
 * writes (and stops writing once the answer is complete).
 */
async function endlessFetch(url: string): Promise<Read> {
  const chunk = new Uint8Array(ENDLESS_CHUNK).fill(0x61)
  const body = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(chunk) })
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: HEADERS,
      body,
      duplex: 'half',
    } as RequestInit)
    return { status: response.status, body: await response.text(), error: undefined }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    return { status: undefined, body: '', error: cause?.code ?? String(error) }
  } finally {
    await body.cancel().catch(() => {})
  }
}

/**
 * How long the server may keep a never-ending upload's connection: the drain bound and a second
 * (Node, Deno), or a runtime's idle timeout (Bun's, 10 s by default; the runtime fixture's, 3 s).
 */
const ENDLESS_CLOSE_BOUND_MS = 10_000

/**
 * A sender that never stops: over a plain socket, a chunked body written for as long as the
 * connection takes it, whatever the answer, while it reads. It resolves once the server closed
 * the connection, so it also shows that the server does close it: a connection still open after
 * `ENDLESS_CLOSE_BOUND_MS` is destroyed and reported as an error, whatever was read.
 */
function endlessKeepsWriting(url: string): Promise<Read> {
  const { hostname, port, pathname } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    let error: string | undefined
    // Cleared at the close: it fires only on a connection still open.
    const bound = setTimeout(() => {
      socket.destroy()
      resolve({
        status: undefined,
        body: '',
        error: `still open after ${ENDLESS_CLOSE_BOUND_MS} ms`,
      })
    }, ENDLESS_CLOSE_BOUND_MS)
    socket.on('data', (data: Buffer) => chunks.push(data))
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message
    })
    socket.on('close', () => {
      clearTimeout(bound)
      resolve(rawRead(chunks, error))
    })
    socket.write(
      `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n` +
        'content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n',
    )
    const frame = Buffer.concat([
      Buffer.from(`${ENDLESS_CHUNK.toString(16)}\r\n`),
      Buffer.alloc(ENDLESS_CHUNK, 0x61),
      Buffer.from('\r\n'),
    ])
    const pump = () => {
      while (!socket.destroyed && socket.write(frame)) {}
      if (!socket.destroyed) socket.once('drain', pump)
    }
    pump()
  })
}

/**
 * Uploads a chunked body that never ends with `client`: only a server that stops reading it can
 * answer.
 *
 * @example
 * const read = await sendEndless('fetch', `${url}/webhooks`)
 */
export function sendEndless(client: EndlessClient, url: string): Promise<Read> {
  return client === 'fetch' ? endlessFetch(url) : endlessKeepsWriting(url)
}

/**
 * Sends `body` with `client` (curl uploads `file`, which must hold the same bytes).
 *
 * @example
 * const read = await sendWith('curl', `${url}/webhooks`, body, file, 'chunked')
 */
export function sendWith(
  client: Client,
  url: string,
  body: Buffer,
  file: string,
  framing: Framing,
): Promise<Read> {
  switch (client) {
    case 'send-then-read':
      return sendThenReadClient(url, body, framing)
    case 'node:http':
      return nodeHttpClient(url, body, framing)
    case 'fetch':
      return fetchClient(url, body, framing)
    case 'curl':
      return curlClient(url, file, framing)
  }
}
