import { type Agent, request } from 'node:http'

/** One answer to a POST, or the connection error that came instead. */
export interface Posted {
  status: number | string
  body: string
  retryAfter: string | undefined
  ms: number
}

/** POSTs `body` over `agent` (keep-alive, as senders do); no answer within `timeoutMs` is `hung`. */
export function postOnce(
  url: string,
  body: string,
  headers: Record<string, string>,
  agent: Agent,
  timeoutMs: number,
): Promise<Posted> {
  const started = performance.now()
  return new Promise((resolve) => {
    let settled = false
    const done = (status: number | string, text = '', retryAfter?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ status, body: text, retryAfter, ms: performance.now() - started })
    }
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    })
    const timer = setTimeout(() => {
      done('hung')
      req.destroy()
    }, timeoutMs)
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () => done(res.statusCode ?? 0, text, res.headers['retry-after']))
      res.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'))
    })
    req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message))
    req.end(body)
  })
}
