import type { Redis } from 'ioredis'

/** A stored record, read back as its parts (`p|fingerprint|token` or `c|fingerprint`). */
export async function readRecord(
  redis: Redis,
  redisKey: string,
): Promise<{ state: string; fingerprint: string; token?: string } | null> {
  const record = await redis.get(redisKey)
  if (record === null) return null
  const [state = '', fingerprint = '', token] = record.split('|')
  const named = state === 'p' ? 'processing' : state === 'c' ? 'completed' : state
  return token === undefined ? { state: named, fingerprint } : { state: named, fingerprint, token }
}
