import type { ServerResponse } from 'node:http'

/** Sends `body` as JSON with `status`, in one write (the fast path on node:http). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  if (body === undefined) {
    res.writeHead(status, headers)
    res.end()
    return
  }
  // A handshake answered as text (Twitch's challenge) goes out as is; everything else is JSON.
  const plain = typeof body === 'string'
  const text = plain ? body : JSON.stringify(body)
  res.writeHead(status, {
    'content-type': plain ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...headers,
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}
