import { clearDeadline, setDeadline } from './deadlines.js'

/**
 * Settles with `promise`, or rejects with `timeoutError()` after `ms` (a shared deadline, see
 * `deadlines.ts`): a command a client holds while it reconnects (ioredis does) must not hold the
 * sender's request. The late outcome keeps its handlers, so a rejection after the timer won is handled, never reported as unhandled.
 *
 * @example
 * await withTimeout(redis.get(key), 2000, () => new Error('no answer from Redis within 2000 ms'))
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  timeoutError: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const deadline = setDeadline(ms, () => reject(timeoutError()))
    promise.then(
      (value) => {
        clearDeadline(deadline)
        resolve(value)
      },
      (error: unknown) => {
        clearDeadline(deadline)
        reject(error)
      },
    )
  })
}
