import { NOW, NOW_S, SECRET, signedHeaders } from '../../core/src/test-helpers.js'

export { NOW, NOW_S, SECRET }

export const EVENT = {
  id: 'evt_1',
  type: 'order.created',
  created: NOW_S,
  apiVersion: '2026-11-01',
  data: { object: { id: 'ord_1', amount: 4200, note: 'crème brûlée ☕' } },
}
export type OrderEvent = typeof EVENT
export const BODY = JSON.stringify(EVENT)

/** A signed POST `Request` for the hookguard scheme at `NOW`. */
export function signedRequest(
  body: string | Uint8Array = BODY,
  options: { secret?: string; headers?: Record<string, string>; url?: string } = {},
): Request {
  return new Request(options.url ?? 'http://receiver.test/webhooks', {
    method: 'POST',
    body: body as BodyInit,
    headers: {
      'content-type': 'application/json',
      ...signedHeaders(body, options),
      ...options.headers,
    },
  })
}

/** Streams `total` bytes in `chunk`-sized pieces on demand and records how much was pulled. */
export function countingStream(total: number, chunk = 16 * 1024) {
  const state = { pulled: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = Math.min(chunk, total - state.pulled)
      if (size <= 0) return controller.close()
      state.pulled += size
      controller.enqueue(new Uint8Array(size).fill(0x61))
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { stream, state }
}

/** The ExecutionContext shape Workers pass to `fetch`: records what `waitUntil` was given. */
export function executionContext() {
  const tasks: Promise<unknown>[] = []
  const ctx = {
    waitUntil(task: Promise<unknown>) {
      // Workers call it as a method; a detached call would throw there, so fail here too.
      if (this !== ctx) throw new TypeError('Illegal invocation')
      tasks.push(task)
    },
    passThroughOnException() {},
  }
  return { tasks, ctx }
}

export const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms))
