/**
 * Settles with `promise`, or rejects after `ms` so an unreachable Redis (ioredis queueing
 * commands while it reconnects) cannot hang a webhook request. The command keeps its handlers,
 * so when it fails after the timer won, that rejection is handled, not reported as unhandled.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `hookguard redis store: ${operation} got no answer from Redis within ${ms} ms (is Redis reachable?)`,
        ),
      )
    }, ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        const reason = error instanceof Error ? error.message : String(error)
        reject(new Error(`hookguard redis store: ${operation} failed: ${reason}`, { cause: error }))
      },
    )
  })
}
