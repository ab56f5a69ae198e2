import { connect } from 'node:net'

/** A request written byte for byte, so headers, framing and bodies can be anything. */
export interface RawRequest {
  method: string
  path: string
  /** Written as given, in order (duplicates, odd bytes and all); `host` and `connection` are added. */
  headers: Array<[name: string, value: string]>
  body: Buffer
  /**
   * `length`: a correct Content-Length; `chunked`: one chunk; `none`: no framing header (unless
   * `headers` has one); `short`: a Content-Length 16 bytes past the body (the server waits for
   * bytes that never come: its body deadline answers).
   */
  framing: 'length' | 'chunked' | 'none' | 'short'
}

/** What came back: a status, or what happened instead (`reset`: closed with no answer; `hung`). */
export interface RawAnswer {
  status: number | 'reset' | 'hung'
  body: string
  ms: number
}

function head(request: RawRequest, host: string): string {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `host: ${host}`, 'connection: close']
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`)
  if (request.framing === 'length') lines.push(`content-length: ${request.body.length}`)
  if (request.framing === 'short') lines.push(`content-length: ${request.body.length + 16}`)
  if (request.framing === 'chunked') lines.push('transfer-encoding: chunked')
  return `${lines.join('\r\n')}\r\n\r\n`
}

/**
 * Sends one request on a fresh connection (`Connection: close`) and reads until the server
 * closes. No answer within `timeoutMs` is `hung`: the connection is then destroyed.
 */
export function sendRaw(url: string, request: RawRequest, timeoutMs: number): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  const started = performance.now()
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    let hung = false
    const timer = setTimeout(() => {
      hung = true
      socket.destroy()
    }, timeoutMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]
      resolve({
        // Answered but never closed (a `Connection: close` request) holds a socket: hung too.
        status: hung ? 'hung' : status !== undefined ? Number(status) : 'reset',
        body: text.slice(text.indexOf('\r\n\r\n') + 4),
        ms: performance.now() - started,
      })
    })
    socket.write(Buffer.from(head(request, `${hostname}:${port}`), 'latin1'))
    if (request.framing === 'chunked') {
      if (request.body.length > 0) {
        socket.write(`${request.body.length.toString(16)}\r\n`)
        socket.write(request.body)
        socket.write('\r\n')
      }
      socket.write('0\r\n\r\n')
    } else if (request.body.length > 0) socket.write(request.body)
  })
}
