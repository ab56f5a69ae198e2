import { randomBytes } from 'node:crypto'
import { type AddressInfo, createServer, type Socket, connect as tcpConnect } from 'node:net'
import { Redis, type RedisOptions } from 'ioredis'

/** The Redis the tests use; CI and the dev container run Redis 7 here. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0'

/** A key prefix no other test run shares, so runs can overlap and clean up only their keys. */
export function testPrefix(label: string): string {
  return `hookguard-test:${process.pid}:${label}:${randomBytes(4).toString('hex')}:`
}

/** A connection that fails fast instead of queueing forever if the test Redis goes away. */
export function connect(options: RedisOptions = {}): Redis {
  const url = new URL(REDIS_URL)
  return new Redis({
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    maxRetriesPerRequest: 1,
    ...options,
  })
}

/** Deletes every key under `prefix` (SCAN, never FLUSHDB: other runs share the database). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) deleted += await redis.unlink(...(keys as string[]))
  }
  return deleted
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A TCP proxy in front of the test Redis that can stall traffic or lose a reply, to reproduce
 * what a network partition does to commands in flight.
 */
export async function flakyProxy(target = new URL(REDIS_URL)) {
  let holding = false
  let dropNextReply = false
  const held: Array<() => void> = []
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 6379), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.on('data', (chunk) => {
      if (holding) held.push(() => upstream.write(chunk))
      else upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (!dropNextReply) return void client.write(chunk)
      // Redis ran the command; the client never hears back and sees the connection drop.
      dropNextReply = false
      client.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    /** Stop forwarding to Redis; what the client sends waits, in order. */
    hold: () => {
      holding = true
    },
    /** Forward what waited, then everything again. */
    open: () => {
      holding = false
      for (const write of held.splice(0)) write()
    },
    /** Swallow Redis's next reply and cut that client's connection. */
    dropNextReply: () => {
      dropNextReply = true
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

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
