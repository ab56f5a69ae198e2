import { createHash } from 'node:crypto'
import { DEFAULT_RETENTION_MS } from '@hookguard/core'
import { sleep } from '@hookguard/test-kit'
import {
  connect,
  deleteKeys,
  describeRedis,
  flakyProxy,
  redisSkipReason,
  testPrefix,
} from '@hookguard/test-kit/redis'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { readRecord } from './read-record.js'
import { RedisIdempotencyStore } from './redis-store.js'

const prefix = testPrefix('store')
let redis: Redis
let store: RedisIdempotencyStore
let keys = 0
const freshKey = () => `hookguard:evt_${++keys}`

// Every suite here is a describeRedis one: without a Redis they skip, and so do these hooks.
const hasRedis = redisSkipReason() === undefined

beforeAll(async () => {
  if (!hasRedis) return
  redis = connect()
  await redis.ping()
  store = new RedisIdempotencyStore(redis, { prefix })
})

afterAll(async () => {
  if (!hasRedis) return
  await deleteKeys(redis, prefix)
  await redis.quit()
})

async function acquire(key: string, leaseMs = 30_000, target = store): Promise<string> {
  const claim = await target.begin(key, { fingerprint: 'fp', leaseMs })
  if (claim.status !== 'acquired') throw new Error(`expected acquired, got ${claim.status}`)
  return claim.token
}

describeRedis('options', () => {
  it('rejects a missing or wrong client', () => {
    for (const client of [undefined, null, {}, 'redis://localhost']) {
      expect(() => new RedisIdempotencyStore(client as unknown as Redis)).toThrow(TypeError)
    }
  })

  it('rejects bad prefixes and timeouts', () => {
    const bad = [
      { prefix: 42 },
      { prefix: 'app:{webhooks}:' },
      { prefix: 'app}' },
      { timeoutMs: 0 },
      { timeoutMs: -1 },
      { timeoutMs: 1.5 },
      { timeoutMs: Number.NaN },
      { timeoutMs: '2000' },
      { timeoutMs: 2 ** 31 },
    ]
    for (const options of bad) {
      expect(
        () => new RedisIdempotencyStore(redis, options as never),
        JSON.stringify(options),
      ).toThrow(TypeError)
    }
    expect(() => new RedisIdempotencyStore(redis, null as never)).toThrow(TypeError)
  })

  it('defaults the prefix to hookguard:', () => {
    expect(new RedisIdempotencyStore(redis).redisKey('hookguard:evt_1')).toBe(
      'hookguard:{hookguard:evt_1}',
    )
  })

  it('rejects misuse of the methods with a TypeError, before touching Redis', async () => {
    const key = freshKey()
    await expect(store.begin('', { fingerprint: 'fp', leaseMs: 1000 })).rejects.toThrow(TypeError)
    await expect(store.begin(7 as never, { fingerprint: 'fp', leaseMs: 1000 })).rejects.toThrow(
      TypeError,
    )
    await expect(store.begin(key, { fingerprint: 1 as never, leaseMs: 1000 })).rejects.toThrow(
      TypeError,
    )
    for (const leaseMs of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100']) {
      await expect(
        store.begin(key, { fingerprint: 'fp', leaseMs: leaseMs as never }),
      ).rejects.toThrow(TypeError)
      await expect(store.extend(key, 'token', leaseMs as never)).rejects.toThrow(TypeError)
      await expect(store.complete(key, 'token', { retentionMs: leaseMs as never })).rejects.toThrow(
        TypeError,
      )
    }
    await expect(store.release(key, '')).rejects.toThrow(TypeError)
    await expect(store.complete(key, undefined as never, { retentionMs: 1 })).rejects.toThrow(
      TypeError,
    )
    expect(await redis.exists(store.redisKey(key))).toBe(0)
  })
})

describeRedis('records in Redis', () => {
  it('lays keys out as prefix + {key}, hashing keys over 255 bytes', () => {
    expect(store.redisKey('stripe:evt_1')).toBe(`${prefix}{stripe:evt_1}`)
    const exactly255 = `k:${'a'.repeat(253)}`
    expect(store.redisKey(exactly255)).toBe(`${prefix}{${exactly255}}`)
    const long = `k:${'a'.repeat(254)}`
    const digest = createHash('sha256').update(long).digest('hex')
    expect(store.redisKey(long)).toBe(`${prefix}#{${digest}}`)
    // Bytes, not characters: 128 two-byte characters are 256 bytes.
    expect(store.redisKey('é'.repeat(128))).toMatch(/#\{[0-9a-f]{64}\}$/)
  })

  it('a claim is a hash with the owner token and fingerprint, expiring with the lease', async () => {
    const key = freshKey()
    const token = await acquire(key, 10_000)
    const id = store.redisKey(key)
    expect(await readRecord(redis, id)).toEqual({ state: 'processing', token, fingerprint: 'fp' })
    const ttl = await redis.pttl(id)
    expect(ttl).toBeGreaterThan(5_000)
    expect(ttl).toBeLessThanOrEqual(10_000)
  })

  it('complete drops the token and sets the retention TTL', async () => {
    const key = freshKey()
    const token = await acquire(key, 10_000)
    expect(await store.complete(key, token, { retentionMs: DEFAULT_RETENTION_MS })).toBe(true)
    const id = store.redisKey(key)
    expect(await readRecord(redis, id)).toEqual({ state: 'completed', fingerprint: 'fp' })
    const ttl = await redis.pttl(id)
    expect(ttl).toBeGreaterThan(DEFAULT_RETENTION_MS - 60_000)
    expect(ttl).toBeLessThanOrEqual(DEFAULT_RETENTION_MS)
  })

  it('in_progress reports the record’s remaining PTTL', async () => {
    const key = freshKey()
    await acquire(key, 60_000)
    await redis.pexpire(store.redisKey(key), 4_000)
    const again = await store.begin(key, { fingerprint: 'fp', leaseMs: 60_000 })
    expect(again.status).toBe('in_progress')
    const { retryAfterMs } = again as { retryAfterMs: number }
    expect(retryAfterMs).toBeGreaterThan(2_000)
    expect(retryAfterMs).toBeLessThanOrEqual(4_000)
  })

  it('extend pushes the PTTL out for the owner only', async () => {
    const key = freshKey()
    const token = await acquire(key, 1_000)
    const id = store.redisKey(key)
    expect(await store.extend(key, 'someone-else', 600_000)).toBe(false)
    expect(await redis.pttl(id)).toBeLessThanOrEqual(1_000)
    expect(await store.extend(key, token, 600_000)).toBe(true)
    expect(await redis.pttl(id)).toBeGreaterThan(500_000)
  })

  it('a vanished owner’s late writes leave the next owner’s record untouched', async () => {
    const key = freshKey()
    const old = await acquire(key, 100)
    await sleep(250)
    const next = await acquire(key, 60_000)
    const id = store.redisKey(key)

    expect(await store.extend(key, old, 3_600_000)).toBe(false)
    expect(await store.complete(key, old, { retentionMs: 3_600_000 })).toBe(false)
    expect(await store.release(key, old)).toBe(false)

    expect(await readRecord(redis, id)).toEqual({
      state: 'processing',
      token: next,
      fingerprint: 'fp',
    })
    expect(await redis.pttl(id)).toBeLessThanOrEqual(60_000)
  })

  it('stores long keys under their hash, still one record per key', async () => {
    const key = `${freshKey()}:${'x'.repeat(400)}`
    const token = await acquire(key)
    const id = store.redisKey(key)
    expect(id).toMatch(/#\{[0-9a-f]{64}\}$/)
    expect((await readRecord(redis, id))?.token).toBe(token)
    expect(await store.complete(key, token, { retentionMs: 60_000 })).toBe(true)
    expect(await store.begin(key, { fingerprint: 'fp', leaseMs: 1_000 })).toEqual({
      status: 'completed',
    })
  })

  it('stores with different prefixes on one client are independent', async () => {
    const other = new RedisIdempotencyStore(redis, { prefix: `${prefix}other:` })
    const key = freshKey()
    await acquire(key)
    expect((await other.begin(key, { fingerprint: 'fp', leaseMs: 1_000 })).status).toBe('acquired')
  })

  it('honours an ioredis keyPrefix in front of its own prefix', async () => {
    const prefixed = connect({ keyPrefix: `${prefix}kp:` })
    try {
      const inner = new RedisIdempotencyStore(prefixed, { prefix: 'inner:' })
      const key = freshKey()
      const token = await acquire(key, 30_000, inner)
      expect((await readRecord(redis, `${prefix}kp:inner:{${key}}`))?.token).toBe(token)
      expect(await inner.complete(key, token, { retentionMs: 60_000 })).toBe(true)
    } finally {
      await prefixed.quit()
    }
  })

  it('wraps a Redis error in an Error that names the operation', async () => {
    const key = freshKey()
    await redis.hset(store.redisKey(key), 'not', 'a string record')
    const error = await store.begin(key, { fingerprint: 'fp', leaseMs: 1_000 }).catch((e) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toMatch(/^hookguard redis store: begin failed: .*WRONGTYPE/)
    expect(error.cause).toBeInstanceOf(Error)
  })
})

describeRedis('concurrency', () => {
  it('50 concurrent begins of one key over 5 connections: exactly one acquires', async () => {
    const clients = Array.from({ length: 5 }, () => connect())
    try {
      await Promise.all(clients.map((client) => client.ping()))
      const stores = clients.map((client) => new RedisIdempotencyStore(client, { prefix }))
      const key = freshKey()
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores[i % stores.length]?.begin(key, { fingerprint: 'fp', leaseMs: 30_000 }),
        ),
      )
      const winners = results.filter((r) => r?.status === 'acquired')
      expect(winners).toHaveLength(1)
      expect(results.filter((r) => r?.status === 'in_progress')).toHaveLength(49)
      expect((await readRecord(redis, store.redisKey(key)))?.token).toBe(
        (winners[0] as { token: string }).token,
      )
    } finally {
      await Promise.all(clients.map((client) => client.quit()))
    }
  })
})

describeRedis('round trips', () => {
  // Counts what the server receives from the store's connection, between two markers.
  async function commandsSent(work: (store: RedisIdempotencyStore) => Promise<void>) {
    const client = connect()
    const base = connect()
    const monitor = await base.monitor()
    try {
      const info = (await client.client('INFO')) as string
      const address = /\baddr=(\S+)/.exec(info)?.[1]
      const seen: string[][] = []
      const end = `end-${Math.random()}`
      const ended = new Promise<void>((resolve) => {
        monitor.on('monitor', (_time: string, args: string[], source: string) => {
          if (source !== address) return
          seen.push(args)
          if (args[0] === 'echo' && args[1] === end) resolve()
        })
      })
      // A generous timeout: on a loaded machine a timed-out begin would add its own release.
      const counted = new RedisIdempotencyStore(client, { prefix, timeoutMs: 60_000 })
      await client.echo('start')
      await work(counted)
      await client.echo(end)
      await ended
      const start = seen.findIndex((args) => args[0] === 'echo' && args[1] === 'start')
      return seen.slice(start + 1, -1).map((args) => args[0]?.toLowerCase())
    } finally {
      monitor.disconnect()
      await Promise.all([base.quit(), client.quit()])
    }
  }

  it('begin + complete is 2 round trips per event', async () => {
    const key = freshKey()
    const sent = await commandsSent(async (counted) => {
      const token = await acquire(key, 30_000, counted)
      expect(await counted.complete(key, token, { retentionMs: 60_000 })).toBe(true)
    })
    expect(sent).toHaveLength(2)
    for (const name of sent) expect(['eval', 'evalsha']).toContain(name)
  })

  it('a duplicate costs 1, a failed handler (begin + release) 2', async () => {
    const done = freshKey()
    const failed = freshKey()
    await store.complete(done, await acquire(done), { retentionMs: 60_000 })
    const duplicate = await commandsSent(async (counted) => {
      expect((await counted.begin(done, { fingerprint: 'fp', leaseMs: 1_000 })).status).toBe(
        'completed',
      )
    })
    expect(duplicate).toHaveLength(1)
    const released = await commandsSent(async (counted) => {
      expect(await counted.release(failed, await acquire(failed, 30_000, counted))).toBe(true)
    })
    expect(released).toHaveLength(2)
  })
})

describeRedis('Redis unreachable', () => {
  // A closed port. ioredis queues commands offline while it reconnects; with
  // maxRetriesPerRequest: null it would queue them for as long as it keeps reconnecting.
  function unreachable(options: { retryStrategy?: (times: number) => number | null } = {}) {
    const client = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      ...options,
    })
    client.on('error', () => {})
    // The commands as ioredis returns them, to see how they end after the store gave up.
    const commands: Promise<unknown>[] = []
    const send = client.sendCommand.bind(client)
    client.sendCommand = ((...args: Parameters<typeof send>) => {
      const command = send(...args)
      commands.push(command as Promise<unknown>)
      return command
    }) as typeof client.sendCommand
    const store = new RedisIdempotencyStore(client, { prefix, timeoutMs: 200 })
    const calls = {
      begin: store.begin('hookguard:evt_x', { fingerprint: 'fp', leaseMs: 1_000 }),
      extend: store.extend('hookguard:evt_x', 'token', 1_000),
      complete: store.complete('hookguard:evt_x', 'token', { retentionMs: 1_000 }),
      release: store.release('hookguard:evt_x', 'token'),
    }
    return { client, commands, calls }
  }

  async function expectTimeouts(calls: Record<string, Promise<unknown>>) {
    for (const [operation, call] of Object.entries(calls)) {
      const error = await call.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toBe(
        `hookguard redis store: ${operation} got no answer from Redis within 200 ms (is Redis reachable?)`,
      )
    }
  }

  it('every method rejects at the timeout while ioredis keeps reconnecting', async () => {
    const { client, commands, calls } = unreachable()
    try {
      await expectTimeouts(calls)
      // The four calls, then the release that undoes the begin should it still run.
      expect(commands).toHaveLength(5)
      expect(client.status).not.toBe('ready')
    } finally {
      client.disconnect()
    }
  })

  it('a command that fails after the timer won is not an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      // ioredis gives up after three reconnects (>= 450 ms), long after the 200 ms timeout,
      // and then fails every queued command.
      const { client, commands, calls } = unreachable({
        retryStrategy: (times) => (times <= 3 ? 150 : null),
      })
      const ended = new Promise((resolve) => client.once('end', resolve))
      await expectTimeouts(calls)
      expect(client.status).not.toBe('end')
      await ended
      await sleep(50)
      expect(unhandled).toEqual([])
      const settled = await Promise.allSettled(commands)
      expect(settled).toHaveLength(5)
      for (const result of settled) {
        expect(result).toMatchObject({
          status: 'rejected',
          reason: { message: 'Connection is closed.' },
        })
      }
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('a begin that timed out and runs once Redis is back leaves no claim behind', async () => {
    const proxy = await flakyProxy()
    const client = connect({ port: proxy.port })
    try {
      await client.ping()
      const slow = new RedisIdempotencyStore(client, { prefix, timeoutMs: 200 })
      const key = freshKey()
      proxy.hold()
      const error = await slow
        .begin(key, { fingerprint: 'fp', leaseMs: 60_000 })
        .catch((e: unknown) => e)
      expect((error as Error).message).toMatch(/begin got no answer from Redis within 200 ms/)
      proxy.open()
      // Same connection, so this answers after the late begin and its release have run.
      await client.ping()
      expect(await redis.exists(store.redisKey(key))).toBe(0)
      // The sender's retry is processed, not mistaken for a duplicate in progress.
      expect((await store.begin(key, { fingerprint: 'fp', leaseMs: 1_000 })).status).toBe(
        'acquired',
      )
    } finally {
      client.disconnect()
      await proxy.close()
    }
  })

  it('a claim it could not undo is reported to the logger, not swallowed', async () => {
    const proxy = await flakyProxy()
    const client = connect({ port: proxy.port, maxRetriesPerRequest: 0 })
    client.on('error', () => {})
    const warnings: Array<{ code: string; key?: string }> = []
    try {
      await client.ping()
      const slow = new RedisIdempotencyStore(client, {
        prefix,
        timeoutMs: 100,
        logger: { warn: (fields) => warnings.push(fields) },
      })
      const key = freshKey()
      proxy.hold()
      await expect(slow.begin(key, { fingerprint: 'fp', leaseMs: 60_000 })).rejects.toThrow(
        /no answer from Redis within 100 ms/,
      )
      // The held begin and its release die with the connection.
      await proxy.close()
      for (let i = 0; i < 200 && warnings.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      expect(warnings).toEqual([
        expect.objectContaining({ code: 'ABANDON_FAILED', key: slow.redisKey(key) }),
      ])
    } finally {
      client.disconnect()
      await proxy.close().catch(() => undefined)
    }
  })

  it('a begin resent after its reply was lost still acquires its own claim', async () => {
    const proxy = await flakyProxy()
    const client = connect({ port: proxy.port, maxRetriesPerRequest: 20 })
    client.on('error', () => {})
    try {
      await client.ping()
      const resent = new RedisIdempotencyStore(client, { prefix })
      const key = freshKey()
      proxy.dropNextReply()
      // Redis claims the key, the reply is lost, ioredis reconnects and sends the begin again.
      const claim = await resent.begin(key, { fingerprint: 'fp', leaseMs: 60_000 })
      if (claim.status !== 'acquired') throw new Error(`expected acquired, got ${claim.status}`)
      expect((await readRecord(redis, store.redisKey(key)))?.token).toBe(claim.token)
      expect(await resent.complete(key, claim.token, { retentionMs: 60_000 })).toBe(true)
    } finally {
      client.disconnect()
      await proxy.close()
    }
  })

  it('with the offline queue off, a call fails at once with the cause attached', async () => {
    const client = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
    })
    client.on('error', () => {})
    try {
      const offline = new RedisIdempotencyStore(client, { prefix, timeoutMs: 60_000 })
      const error = await offline
        .begin('hookguard:evt_x', { fingerprint: 'fp', leaseMs: 1_000 })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toMatch(/^hookguard redis store: begin failed: .*offline/i)
      expect((error as Error).cause).toBeInstanceOf(Error)
    } finally {
      client.disconnect()
    }
  })

  it('a begin while ioredis reconnects after losing Redis is refused at once, never queued', async () => {
    const proxy = await flakyProxy()
    const client = connect({ port: proxy.port })
    client.on('error', () => {})
    const sent: string[] = []
    const send = client.sendCommand.bind(client)
    client.sendCommand = ((...args: Parameters<typeof send>) => {
      sent.push(args[0].name)
      return send(...args)
    }) as typeof client.sendCommand
    try {
      await client.ping()
      // A minute: were the begin queued, the test would time out long before it rejected.
      const lost = new RedisIdempotencyStore(client, { prefix, timeoutMs: 60_000 })
      const reconnecting = new Promise((resolve) => client.once('reconnecting', resolve))
      await proxy.close()
      await reconnecting
      sent.length = 0
      const error = await lost
        .begin(freshKey(), { fingerprint: 'fp', leaseMs: 1_000 })
        .catch((e: unknown) => e)
      expect((error as Error).message).toBe(
        'hookguard redis store: begin refused: Redis is unreachable (the ioredis client is reconnecting)',
      )
      expect(sent).toEqual([])
      // The calls after a handler ran still wait for Redis, within timeoutMs: their work is done.
      const short = new RedisIdempotencyStore(client, { prefix, timeoutMs: 100 })
      const late = await short.complete(freshKey(), 'token', { retentionMs: 1_000 }).catch((e) => e)
      expect((late as Error).message).toMatch(
        /^hookguard redis store: complete (got no answer|failed)/,
      )
      expect(sent).toEqual(['evalsha'])
    } finally {
      client.disconnect()
    }
  })

  it('runs on the ioredis major its test project names', ({ task }) => {
    // ioredis 6 turned TCP keep-alive on by default (30 s); 5 left it off.
    const client = new Redis({ lazyConnect: true })
    expect(client.options.keepAlive).toBe(task.file.projectName === 'ioredis6' ? 30_000 : 0)
    client.disconnect()
  })

  it('a store whose Redis comes back works again', async () => {
    const key = freshKey()
    const token = await acquire(key)
    expect(await store.complete(key, token, { retentionMs: 60_000 })).toBe(true)
  })
})

describeRedis('tokens', () => {
  it('every claim gets its own token, also across stores sharing a client', async () => {
    const other = new RedisIdempotencyStore(redis, { prefix })
    const tokens = new Set<string>()
    for (let i = 0; i < 20; i++) {
      tokens.add(await acquire(freshKey()))
      tokens.add(await acquire(freshKey(), 30_000, other))
    }
    expect(tokens.size).toBe(40)
  })
})
