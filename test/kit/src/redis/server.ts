import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { delimiter, join } from 'node:path'
import { Redis } from 'ioredis'

/** A free TCP port on 127.0.0.1 (the OS picks it; it is free when this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The `redis-server` binary on PATH, or undefined when none is installed. */
export function findRedisServer(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, 'redis-server')
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return undefined
}

/**
 * Whether a Redis answers PING at `url` within `timeoutMs`, without retries or error output.
 *
 * @example
 * if (!(await redisAnswers('redis://127.0.0.1:6379/9'))) console.log('no Redis')
 */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

/** A `redis-server` this process started; `stop()` ends it and waits for the exit. */
export interface RedisServer {
  port: number
  /** `redis://127.0.0.1:<port>/<db>`. */
  url(db?: number): string
  process: ChildProcess
  /** SIGTERM (or `signal`), then wait until the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Options of `startRedisServer`. */
export interface RedisServerOptions {
  /** Default: a free port. Helpers' own servers stay in their assigned port range. */
  port?: number
  /** Default: `redis-server` from PATH. */
  binary?: string
  /** Extra `redis-server` arguments, e.g. `['--appendonly', 'yes', '--dir', dir]`. */
  args?: string[]
}

/**
 * Starts a throw-away `redis-server` on 127.0.0.1 (no persistence unless `args` ask for it) and
 * resolves once it answers PING. For tests that restart or kill Redis, never the shared one.
 *
 * @example
 * const redis = await startRedisServer({ port: 7120 })
 * try { … new Redis(redis.url(4)) … } finally { await redis.stop() }
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? findRedisServer()
  if (binary === undefined) throw new Error('redis-server is not on PATH')
  const port = options.port ?? (await freePort())
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...(options.args ?? []),
    ],
    { stdio: 'ignore' },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const server: RedisServer = {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    if (await redisAnswers(server.url(), 200)) return server
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await server.stop('SIGKILL')
  throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 5 s`)
}
