import { NOW, NOW_S, SECRET, signedHeaders } from '../../core/src/test-helpers.js'

export { NOW, NOW_S, SECRET, signedHeaders }

export const EVENT = {
  id: 'evt_1',
  type: 'order.created',
  created: NOW_S,
  apiVersion: '2026-11-01',
  data: { object: { id: 'ord_1', amount: 4200, note: 'crème brûlée ☕' } },
}
export const BODY = JSON.stringify(EVENT)

/** A POST init with a body signed for the hookguard scheme at `NOW`. */
export function signedInit(
  body: string | Uint8Array = BODY,
  options: { secret?: string; timestamp?: number; headers?: Record<string, string> } = {},
): RequestInit {
  return {
    method: 'POST',
    body: body as BodyInit,
    headers: {
      'content-type': 'application/json',
      ...signedHeaders(body, options),
      ...options.headers,
    },
  }
}

/**
 * A body that produces `chunk`-sized pieces on demand up to `total` bytes and records how much was
 * pulled, so a test can tell whether the body was buffered whole.
 */
export function countingStream(total: number, chunk = 64 * 1024) {
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
