import type { Logger } from '@hookguard/core'
import { checkLogger } from '@hookguard/core/adapter'

/**
 * Core's `Logger` (`console`, pino), logging an error once per distinct message until a
 * different one comes: a Redis outage emits the same connection error many times a second, and
 * one line says it.
 */
export function onceLogger(logger: Logger | undefined, source: string) {
  const checked = checkLogger(logger)
  let last = ''
  return (code: string, what: string, err: unknown) => {
    const message = err instanceof Error ? err.message : String(err)
    if (message === last) return
    last = message
    checked.error({ code, err }, `[hookguard/bullmq] ${source}: ${what}: ${message}`)
  }
}
