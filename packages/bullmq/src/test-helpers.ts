import { randomBytes } from 'node:crypto'
import { redisAddress } from '@hookguard/test-kit/redis'
import type { RedisOptions } from 'bullmq'

// The bullmq suites call the kit's inbox entry builder `entry`.
export { inboxEntry as entry, sha256 } from '@hookguard/test-kit/inbox'
export { connect, deleteKeys } from '@hookguard/test-kit/redis'

/** BullMQ connection options for the test Redis (workers need `maxRetriesPerRequest: null`). */
export function redisOptions(extra: RedisOptions = {}): RedisOptions {
  return { ...redisAddress(), maxRetriesPerRequest: null, ...extra }
}

/** A hash-tagged prefix no other run shares, so it works on a Cluster too. */
export function testPrefix(label: string): string {
  return `{hg-test-${label}-${randomBytes(4).toString('hex')}}`
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls until `check` returns a truthy value or `ms` passes. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  ms = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}
