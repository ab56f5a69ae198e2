import { DEFAULT_RETENTION_MS } from '@hookguard/core'

export { DEFAULT_RETENTION_MS }
export const DEFAULT_QUEUE_NAME = 'webhooks'
/** A hash tag: every key of the queue lands in one Redis Cluster slot, as BullMQ needs. */
export const DEFAULT_PREFIX = '{hookguard}'
export const DEFAULT_DEAD_LETTER_RETENTION_MS = 30 * 24 * 60 * 60 * 1000
/** The custom backoff strategy the worker registers; it applies the worker's retry policy. */
export const BACKOFF_TYPE = 'hookguard'
/** Attempts as far as BullMQ is concerned; the worker's policy stops much earlier. */
export const JOB_ATTEMPTS_CEILING = 1_000_000

export function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a whole number of milliseconds >= 1`)
  }
  return value
}

export function checkQueueName(name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.includes(':')) {
    throw new TypeError('queueName must be a non-empty string without ":"')
  }
  return name
}
