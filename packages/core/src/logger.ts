/**
 * What hookguard logs to: `console`, a pino logger and Fastify's `request.log` all fit. Every call
 * is `(fields, message)`; `fields` carries the event's `id`, its idempotency `key` and a stable
 * `code`, plus `err` for the error, and never a secret or a signature.
 *
 * @example
 * webhook({ secret, on, logger: pino() })
 */
export interface Logger {
  debug?(fields: LogFields, message: string): void
  info?(fields: LogFields, message: string): void
  warn(fields: LogFields, message: string): void
  error(fields: LogFields, message: string): void
}

/** The structured part of every log line hookguard writes. */
export interface LogFields {
  /** What happened, stable across versions (`COMPLETE_FAILED`, `DEAD_LETTER`, …). */
  code: string
  key?: string
  id?: string
  /** The error, under the name pino serialises. */
  err?: unknown
  [field: string]: unknown
}

/** Validates a `logger` option; default `console`. */
export function checkLogger(logger: Logger | undefined): Logger {
  if (logger === undefined) return console
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.warn !== 'function' ||
    typeof logger.error !== 'function'
  ) {
    throw new TypeError(
      'logger must have warn and error methods (console, pino and request.log do)',
    )
  }
  return logger
}
