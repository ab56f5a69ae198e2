import { connect } from 'node:net'

/** What a slow client saw: the answer's status and code, and when the server closed on it. */
export interface SlowRead {
  status: string | undefined
  code: string | undefined
  /** Whether the answer said `Connection: close` (the server closes with it, not later). */
  closes: boolean
  /** From the first body byte to the socket's close. */
  closedAfterMs: number
}

/** How a slow client trickles, and who hears that it started. */
export interface SlowClientOptions {
  /** One body byte every `everyMs` (default 100 ms). */
  everyMs?: number
  /** Called once the headers and the first body byte are written. */
  onSending?: () => void
}

/**
 * A client that declares a 1 KiB body and sends one byte of it every `everyMs` (default 100 ms)
 * until the server gives up on it (a body deadline) and closes: the slow client of a webhook
 * receiver's threat model, a trickling attacker or a broken proxy. Resolves on close.
 *
 * @example
 * const read = await slowClient(`${app.url}/webhooks`)
 * expect([read.status, read.code]).toEqual(['408', 'BODY_TIMEOUT'])
 */
export function slowClient(url: string, options: SlowClientOptions = {}): Promise<SlowRead> {
  const { everyMs = 100, onSending } = options
  const { hostname, port, pathname } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    let answer = ''
    let started = 0
    let timer: ReturnType<typeof setInterval> | undefined
    socket.setEncoding('latin1')
    socket.on('data', (text: string) => {
      answer += text
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      resolve({
        status: /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1],
        code: /"code":"([A-Z_]+)"/.exec(answer)?.[1],
        closes: /\r\nconnection: close\r\n/i.test(answer.slice(0, answer.indexOf('\r\n\r\n') + 2)),
        closedAfterMs: performance.now() - started,
      })
    })
    socket.on('connect', () => {
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n` +
          'x-webhook-timestamp: 1\r\nx-webhook-signature: v1=00\r\ncontent-length: 1024\r\n\r\n{',
      )
      started = performance.now()
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(' ')
      }, everyMs)
      onSending?.()
    })
  })
}
