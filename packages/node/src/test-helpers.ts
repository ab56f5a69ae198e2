import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { BODY, type EVENT, signHookguard } from '@hookguard/test-kit'

export { BODY, EVENT, NOW, NOW_S, SECRET, signHookguard } from '@hookguard/test-kit'
export type OrderEvent = typeof EVENT

export interface Running {
  url: string
  close(): Promise<void>
}

/** A real node:http server on a free loopback port. */
export function listen(
  listener: (req: IncomingMessage, res: ServerResponse) => unknown,
): Promise<Running> {
  const server = createServer((req, res) => void listener(req, res))
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => {
          server.closeAllConnections()
          return new Promise((done) => server.close(() => done()))
        },
      })
    })
  })
}

/** A signed POST with fetch. */
export function post(
  url: string,
  body: string = BODY,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...signHookguard(body), ...headers },
  })
}

/** A POST through node:http with the body written in chunks (no Content-Length). */
export function postChunked(
  url: string,
  chunks: number,
  chunkBytes: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    for (let i = 0; i < chunks; i++) req.write(Buffer.alloc(chunkBytes, 0x78))
    req.end()
  })
}

export { sleep as tick } from '@hookguard/test-kit'
