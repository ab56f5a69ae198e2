/**
 * Settles with `promise`, or rejects after `ms`: a command that ioredis holds while it reconnects
 * must not hold the sender's request. The late outcome is still handled, never unhandled.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`hookguard bullmq: ${operation}: no answer from Redis within ${ms} ms`))
    }, ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
