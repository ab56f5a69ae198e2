/**
 * The four transitions as single-key Lua scripts. Each reads and writes only `KEYS[1]`, so it
 * runs atomically on one node of a Redis Cluster, and each is one round trip.
 *
 * A record is a hash: `state` (`processing` | `completed`), `fingerprint`, and while processing
 * the owner's `token`. The lease is the processing record's PX TTL, so a crashed owner's claim
 * simply expires; a completed record carries the retention TTL instead.
 */

/**
 * ARGV: fingerprint, leaseMs, token. Returns `{status}` or `{'in_progress', pttl}`.
 * The token is made by the caller, so a begin that ioredis resends after a dropped connection
 * (the first run's reply was lost) recognises its own claim instead of reporting it in progress.
 */
const BEGIN = `
local record = redis.call('HMGET', KEYS[1], 'state', 'fingerprint', 'token')
if not record[1] then
  redis.call('HSET', KEYS[1], 'state', 'processing', 'token', ARGV[3], 'fingerprint', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'acquired'}
end
if record[1] == 'processing' and record[3] == ARGV[3] then return {'acquired'} end
if record[2] ~= ARGV[1] then return {'mismatch'} end
if record[1] == 'completed' then return {'completed'} end
return {'in_progress', redis.call('PTTL', KEYS[1])}
`

// The owner check shared by the writes after begin: never a blind write.
const OWNED = `
local record = redis.call('HMGET', KEYS[1], 'state', 'token')
if record[1] ~= 'processing' or record[2] ~= ARGV[1] then return 0 end
`

/** ARGV: token, leaseMs. Returns 1 when the owner's lease was pushed out, else 0. */
const EXTEND = `${OWNED}
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`

/** ARGV: token, retentionMs. Returns 1 when the owner's record became completed, else 0. */
const COMPLETE = `${OWNED}
redis.call('HSET', KEYS[1], 'state', 'completed')
redis.call('HDEL', KEYS[1], 'token')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`

/** ARGV: token. Returns 1 when the owner's record was deleted, else 0. */
const RELEASE = `${OWNED}
redis.call('DEL', KEYS[1])
return 1
`

// Versioned names: two copies of this package on one client must not call each other's scripts.
export const COMMANDS = {
  begin: { name: 'hookguardV1Begin', lua: BEGIN },
  extend: { name: 'hookguardV1Extend', lua: EXTEND },
  complete: { name: 'hookguardV1Complete', lua: COMPLETE },
  release: { name: 'hookguardV1Release', lua: RELEASE },
} as const

/** What `defineCommand` adds to the client: one method per script, key first. */
export interface ScriptCommands {
  hookguardV1Begin(
    key: string,
    fingerprint: string,
    leaseMs: number,
    token: string,
  ): Promise<unknown>
  hookguardV1Extend(key: string, token: string, leaseMs: number): Promise<unknown>
  hookguardV1Complete(key: string, token: string, retentionMs: number): Promise<unknown>
  hookguardV1Release(key: string, token: string): Promise<unknown>
}
