import { subscribe } from 'node:diagnostics_channel'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ServerTiming } from './protocol.js'

// A receiver's own share of a request's latency, seen from inside the server process: from its
// headers parsed to its answer finished, by the receiver's listening port. The driver's clock also
// counts its own event loop and the scheduler's (three processes on a 2-core machine); this one
// does not, so a slow-down here is the server's.

interface PortTiming {
  open: number
  answerMs: number[]
}

const started = new WeakMap<IncomingMessage, number>()
const ports = new Map<number, PortTiming>()

function port(request: IncomingMessage): PortTiming {
  const key = request.socket.localPort ?? 0
  let timing = ports.get(key)
  if (timing === undefined) {
    timing = { open: 0, answerMs: [] }
    ports.set(key, timing)
  }
  return timing
}

/** Starts timing every request of every node:http server in this process. */
export function watchRequests(): void {
  subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: IncomingMessage }
    started.set(request, performance.now())
    port(request).open++
  })
  subscribe('http.server.response.finish', (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse }
    const at = started.get(request)
    if (at === undefined) return
    started.delete(request)
    const timing = port(request)
    timing.open--
    if (response.statusCode < 300) timing.answerMs.push(performance.now() - at)
  })
}

/** The requests on `localPort` not answered yet, and the 2xx answer times since the last take. */
export function takeTiming(localPort: number): ServerTiming {
  const timing = ports.get(localPort)
  if (timing === undefined) return { open: 0, answerMs: [] }
  const answerMs = timing.answerMs
  timing.answerMs = []
  return { open: timing.open, answerMs }
}
