import { NOW_S } from './constants.js'

/** An event in hookguard's default shape, with non-ASCII text so byte/char confusions show. */
export const EVENT = {
  id: 'evt_1',
  type: 'order.created',
  created: NOW_S,
  apiVersion: '2026-11-01',
  data: { object: { id: 'ord_1', amount: 4200, note: 'crème brûlée ☕' } },
}

/** `EVENT` as the raw body a sender posts. */
export const BODY = JSON.stringify(EVENT)

/** A default-shape event body with its own `id` (and optionally `type`), for idempotency tests. */
export function eventBody(id: string, type = 'order.created', object: unknown = { id: 'ord_1' }) {
  return JSON.stringify({ id, type, created: NOW_S, apiVersion: '2026-11-01', data: { object } })
}

/** A body of `size` bytes for `maxBodyBytes` tests (never valid JSON, never parsed). */
export const bytes = (size: number): string => 'x'.repeat(size)

/**
 * A body that produces `chunk`-sized pieces on demand up to `total` bytes and records how much
 * was pulled, so a test can tell whether the body was buffered whole.
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

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))
