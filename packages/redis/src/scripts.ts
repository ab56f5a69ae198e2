/**
 * The four transitions as single-key Lua scripts. Each reads and writes only `KEYS[1]`, so it
 * runs atomically on one node of a Redis Cluster, and each is one round trip.
 *
 * A record is one string, `p|<fingerprint>|<token>` while processing and `c|<fingerprint>` once
 * completed (fingerprints are hex, tokens have no `|`). The lease is the processing record's PX
 * TTL, so a crashed owner's claim simply expires; a completed record carries the retention TTL.
 * A string and one write per transition keep the scripts close to plain SET in server time
 * (the first version, a hash with HSET/HDEL/PEXPIRE, cost ~4x a SET per transition).
 */

// Splits a record into state, fingerprint and token (empty once completed).
const PARSE = `
local function parse(record)
  return string.match(record, '^(%a)|([^|]*)|?(.*)$')
end
`

/**
 * ARGV: fingerprint, leaseMs, token. Returns `{status}` or `{'in_progress', pttl}`.
 * The token is made by the caller, so a begin that ioredis resends after a dropped connection
 * (the first run's reply was lost) recognises its own claim instead of reporting it in progress.
 */
const BEGIN = `${PARSE}
local record = redis.call('GET', KEYS[1])
if not record then
  redis.call('SET', KEYS[1], 'p|' .. ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[2])
  return {'acquired'}
end
local state, fingerprint, token = parse(record)
if state == 'p' and token == ARGV[3] then return {'acquired'} end
if fingerprint ~= ARGV[1] then return {'mismatch'} end
if state == 'c' then return {'completed'} end
return {'in_progress', redis.call('PTTL', KEYS[1])}
`

// The owner check shared by the writes after begin: never a blind write.
const OWNED = `${PARSE}
local record = redis.call('GET', KEYS[1])
if not record then return 0 end
local state, fingerprint, token = parse(record)
if state ~= 'p' or token ~= ARGV[1] then return 0 end
`

/** ARGV: token, leaseMs. Returns 1 when the owner's lease was pushed out, else 0. */
const EXTEND = `${OWNED}
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`

/** ARGV: token, retentionMs. Returns 1 when the owner's record became completed, else 0. */
const COMPLETE = `${OWNED}
redis.call('SET', KEYS[1], 'c|' .. fingerprint, 'PX', ARGV[2])
return 1
`

/** ARGV: token. Returns 1 when the owner's record was deleted, else 0. */
const RELEASE = `${OWNED}
redis.call('DEL', KEYS[1])
return 1
`

// Versioned names: two copies of this package on one client must not call each other's scripts.
export const COMMANDS = {
  begin: { name: 'hookguardV2Begin', lua: BEGIN },
  extend: { name: 'hookguardV2Extend', lua: EXTEND },
  complete: { name: 'hookguardV2Complete', lua: COMPLETE },
  release: { name: 'hookguardV2Release', lua: RELEASE },
} as const

/** What `defineCommand` adds to the client: one method per script, key first. */
export interface ScriptCommands {
  hookguardV2Begin(
    key: string,
    fingerprint: string,
    leaseMs: number,
    token: string,
  ): Promise<unknown>
  hookguardV2Extend(key: string, token: string, leaseMs: number): Promise<unknown>
  hookguardV2Complete(key: string, token: string, retentionMs: number): Promise<unknown>
  hookguardV2Release(key: string, token: string): Promise<unknown>
}
