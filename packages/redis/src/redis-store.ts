import { randomBytes } from 'node:crypto'
import type { BeginResult, IdempotencyStore, Logger } from '@hookguard/core'
import { withTimeout } from '@hookguard/core/adapter'
import type { Cluster, Redis } from 'ioredis'
import { toRedisKey } from './keys.js'
import { COMMANDS, type ScriptCommands } from './scripts.js'

/**
 * Options of `RedisIdempotencyStore`.
 *
 * @example
 * new RedisIdempotencyStore(redis, { prefix: 'billing:hooks:', timeoutMs: 1_000 })
 */
export interface RedisIdempotencyStoreOptions {
  /**
   * Prepended to every key, so several apps can share one Redis; default `'hookguard:'`.
   * No braces: the store adds its own `{…}` Cluster hash tag after it.
   */
  prefix?: string
  /**
   * Longest wait for Redis per call, in milliseconds; default 2000. Past it the call rejects (the
   * processor answers 503) instead of waiting on ioredis's offline queue while it reconnects.
   */
  timeoutMs?: number
  /**
   * Where a failure no caller sees is reported: undoing a claim whose `begin` timed out. Default
   * `console`; pass the adapter's logger (pino, `fastify.log`).
   */
  logger?: Pick<Logger, 'warn'>
}

const DEFAULT_PREFIX = 'hookguard:'
const DEFAULT_TIMEOUT_MS = 2000
// setTimeout's ceiling; a longer delay would fire at once.
const MAX_TIMEOUT_MS = 2_147_483_647

type Client = Redis | Cluster

/**
 * An idempotency store in Redis (ioredis `Redis` or `Cluster`), shared by every process that
 * receives webhooks. Each transition is one atomic single-key Lua script and one round trip, so
 * an event costs two (`begin`, then `complete`). Every call rejects after `timeoutMs` when Redis
 * does not answer; the processor then answers 503 and runs nothing (fail closed).
 *
 * @example
 * import { Redis } from 'ioredis'
 * import { RedisIdempotencyStore } from '@hookguard/redis'
 *
 * const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 })
 * const store = new RedisIdempotencyStore(redis, { prefix: 'shop:webhooks:' })
 * app.post('/webhooks', webhook({ secret, store, on: { 'order.created': fulfil } }))
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: ScriptCommands
  readonly #client: Client
  readonly #prefix: string
  readonly #timeoutMs: number
  readonly #logger: Pick<Logger, 'warn'>
  // A token only has to be unique: a random prefix per store and a counter. A random draw per
  // begin (randomBytes, a system call) was ~8 % of the client's CPU per event in the bench.
  readonly #tokenPrefix = `${randomBytes(16).toString('hex')}-`
  #claims = 0

  constructor(redis: Client, options: RedisIdempotencyStoreOptions = {}) {
    if (typeof (redis as Partial<Client> | null)?.defineCommand !== 'function') {
      throw new TypeError('redis must be an ioredis Redis or Cluster instance')
    }
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('options must be an object')
    }
    const { prefix = DEFAULT_PREFIX, timeoutMs = DEFAULT_TIMEOUT_MS, logger = console } = options
    if (typeof logger?.warn !== 'function') throw new TypeError('logger must have a warn method')
    this.#logger = logger
    if (typeof prefix !== 'string') throw new TypeError('prefix must be a string')
    if (/[{}]/.test(prefix)) {
      throw new TypeError('prefix must not contain { or }: the store adds its own hash tag')
    }
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new TypeError(
        `timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
      )
    }
    for (const { name, lua } of Object.values(COMMANDS)) {
      redis.defineCommand(name, { numberOfKeys: 1, lua })
    }
    this.#redis = redis as unknown as ScriptCommands
    this.#client = redis
    this.#prefix = prefix
    this.#timeoutMs = timeoutMs
  }

  /**
   * The Redis key holding `key`'s record (before any ioredis `keyPrefix`), for inspection.
   *
   * @example
   * await redis.get(store.redisKey('hookguard:evt_1')) // 'p|<fingerprint>|<token>' or 'c|<fingerprint>'
   */
  redisKey(key: string): string {
    checkKey(key)
    return toRedisKey(this.#prefix, key)
  }

  #call(operation: string, send: () => Promise<unknown>): Promise<unknown> {
    let command: Promise<unknown>
    try {
      command = send()
    } catch (error) {
      command = Promise.reject(error)
    }
    const ms = this.#timeoutMs
    return withTimeout(
      command.catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error)
        throw new Error(`hookguard redis store: ${operation} failed: ${reason}`, { cause: error })
      }),
      ms,
      () =>
        new Error(
          `hookguard redis store: ${operation} got no answer from Redis within ${ms} ms (is Redis reachable?)`,
        ),
    )
  }

  async begin(
    key: string,
    options: { fingerprint: string; leaseMs: number },
  ): Promise<BeginResult> {
    const redisKey = this.redisKey(key)
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('begin options must be an object')
    }
    const { fingerprint, leaseMs } = options
    if (typeof fingerprint !== 'string') throw new TypeError('fingerprint must be a string')
    checkMs('leaseMs', leaseMs)
    // Redis was lost and ioredis waits out its back-off before the next try (ioredis 6: 50 ms
    // doubling up to 5 s, plus jitter; 5: +50 ms a try up to 2 s). A queued begin would wait for
    // that try to fail, up to timeoutMs, while the sender waits for its answer: refuse at once, so
    // the 503 goes out now. Later calls (extend, complete, release) still queue: their work ran.
    if (this.#client.status === 'reconnecting') {
      throw new Error(
        'hookguard redis store: begin refused: Redis is unreachable (the ioredis client is reconnecting)',
      )
    }
    const token = `${this.#tokenPrefix}${++this.#claims}`
    let reply: unknown
    try {
      reply = await this.#call('begin', () =>
        this.#redis.hookguardV2Begin(redisKey, fingerprint, leaseMs, token),
      )
    } catch (error) {
      this.#abandon(redisKey, token)
      throw error
    }
    return beginResult(reply, token)
  }

  // A begin that timed out or lost its reply may still run, or may already have run: ioredis
  // sends queued commands once Redis is back. The caller answered 503 and runs nothing, so a
  // claim left behind would make the sender's retry look like a duplicate in progress. The
  // release goes out on the same connection after the begin, so it also undoes a late one.
  #abandon(redisKey: string, token: string): void {
    try {
      this.#redis.hookguardV2Release(redisKey, token).catch((err: unknown) => {
        // The claim stays until its lease ends: the sender's retries get 409 until then.
        this.#logger.warn(
          { code: 'ABANDON_FAILED', key: redisKey, err },
          '[hookguard] could not undo a claim whose begin timed out; it expires with its lease',
        )
      })
    } catch {
      // Nothing to undo: a command that throws at once was never sent.
    }
  }

  async extend(key: string, token: string, leaseMs: number): Promise<boolean> {
    const redisKey = this.redisKey(key)
    checkToken(token)
    checkMs('leaseMs', leaseMs)
    const reply = await this.#call('extend', () =>
      this.#redis.hookguardV2Extend(redisKey, token, leaseMs),
    )
    return reply === 1
  }

  async complete(key: string, token: string, options: { retentionMs: number }): Promise<boolean> {
    const redisKey = this.redisKey(key)
    checkToken(token)
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('complete options must be an object')
    }
    checkMs('retentionMs', options.retentionMs)
    const reply = await this.#call('complete', () =>
      this.#redis.hookguardV2Complete(redisKey, token, options.retentionMs),
    )
    return reply === 1
  }

  async release(key: string, token: string): Promise<boolean> {
    const redisKey = this.redisKey(key)
    checkToken(token)
    const reply = await this.#call('release', () => this.#redis.hookguardV2Release(redisKey, token))
    return reply === 1
  }
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError('key must be a non-empty string')
}

function checkToken(token: unknown): asserts token is string {
  if (typeof token !== 'string' || token === '') {
    throw new TypeError('token must be the non-empty string begin returned')
  }
}

// PX takes whole milliseconds >= 1; anything else would be a Redis error on every call.
function checkMs(name: string, value: unknown): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new TypeError(`${name} must be a whole number of milliseconds >= 1`)
  }
}

function beginResult(reply: unknown, token: string): BeginResult {
  const [status, ttl] = Array.isArray(reply) ? reply : []
  switch (status) {
    case 'acquired':
      return { status, token }
    case 'completed':
    case 'mismatch':
      return { status }
    case 'in_progress':
      // A processing record always has a TTL; the floor only guards against a hand-edited one.
      return { status, retryAfterMs: typeof ttl === 'number' && ttl > 0 ? ttl : 1 }
    default:
      throw new Error(
        `hookguard redis store: begin got an unexpected reply: ${JSON.stringify(reply)}`,
      )
  }
}
