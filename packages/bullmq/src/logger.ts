/** Where failures that no sender hears about go; `console` fits. */
export interface Logger {
  error(message: string, ...details: unknown[]): void
}

/**
 * Logs an error once per distinct message until a different one comes: a Redis outage emits the
 * same connection error many times a second, and one line says it.
 */
export function onceLogger(logger: Logger, source: string) {
  if (typeof logger?.error !== 'function') throw new TypeError('logger must have an error method')
  let last = ''
  return (what: string, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    if (message === last) return
    last = message
    logger.error(`[hookguard/bullmq] ${source}: ${what}: ${message}`)
  }
}
