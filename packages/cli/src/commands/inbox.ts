import type { BullInbox, DeadLetter } from '@hookguard/bullmq'
import { EXIT, type ExitCode, UsageError } from '../exit.js'
import { parseNow } from '../inputs.js'
import type { CliIo } from '../io.js'
import type { Colors } from '../style.js'

export interface InboxFlags {
  redisUrl?: string
  queue?: string
  prefix?: string
  json?: boolean
}

export interface InboxListFlags extends InboxFlags {
  limit: number
}

export interface InboxReplayFlags extends InboxFlags {
  since?: string
}

const INSTALL_HINT =
  'hookguard inbox needs the durable inbox next to the CLI: npm install @hookguard/bullmq bullmq ioredis'

/** ioredis connection options from a `redis://` or `rediss://` URL; fail fast, never hang. */
function connectionFrom(text: string) {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`--redis-url: expected redis://host:port/db, got "${text}"`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(`--redis-url: expected redis:// or rediss://, got "${url.protocol}"`)
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0
  if (!Number.isSafeInteger(db) || db < 0) {
    throw new UsageError(`--redis-url: the database must be a whole number, got "${url.pathname}"`)
  }
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    // A command line tool answers or fails; it does not wait for a Redis that is not there.
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  }
}

/** Opens the inbox the flags name, runs `use`, and closes it whatever happens. */
async function withInbox<T>(
  flags: InboxFlags,
  io: CliIo,
  use: (inbox: BullInbox) => Promise<T>,
): Promise<T> {
  const redisUrl = flags.redisUrl ?? io.env.REDIS_URL
  if (!redisUrl) throw new UsageError('no Redis: pass --redis-url or set REDIS_URL')
  const connection = connectionFrom(redisUrl)
  let bullmq: typeof import('@hookguard/bullmq')
  try {
    bullmq = await import('@hookguard/bullmq')
  } catch {
    throw new UsageError(INSTALL_HINT)
  }
  const inbox = bullmq.createInbox({
    connection,
    ...(flags.queue === undefined ? {} : { queueName: flags.queue }),
    ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
    // Connection errors surface as the command's own error, once.
    logger: { warn: () => {}, error: () => {} },
  })
  try {
    return await use(inbox)
  } catch (error) {
    const where = `${connection.host}:${connection.port}/${connection.db}`
    throw new Error(`inbox at ${where}: ${(error as Error).message}`, { cause: error })
  } finally {
    await inbox.close()
  }
}

function renderDeadLetters(letters: DeadLetter[], out: Colors): string {
  if (letters.length === 0) return `${out.green('no dead-lettered events')}\n`
  const rows = letters.map((l) => [
    l.key,
    l.type,
    String(l.attempts),
    l.failedAt.toISOString(),
    l.error.replace(/\s+/g, ' ').slice(0, 80),
  ])
  const head = ['key', 'type', 'attempts', 'failed at', 'last error']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')
  return `${out.bold(line(head))}\n${rows.map(line).join('\n')}\n${out.dim(
    `${letters.length} dead-lettered; replay one with: hookguard inbox replay <key>`,
  )}\n`
}

/** `hookguard inbox list`: dead-lettered events, newest first. */
export async function inboxListCommand(
  flags: InboxListFlags,
  io: CliIo,
  out: Colors,
): Promise<ExitCode> {
  const letters = await withInbox(flags, io, (inbox) => inbox.deadLetters({ limit: flags.limit }))
  io.stdout.write(
    flags.json ? `${JSON.stringify(letters, null, 2)}\n` : renderDeadLetters(letters, out),
  )
  return EXIT.OK
}

/** `hookguard inbox replay <key>` or `--since <time>`: runs dead-lettered events again. */
export async function inboxReplayCommand(
  key: string | undefined,
  flags: InboxReplayFlags,
  io: CliIo,
  out: Colors,
): Promise<ExitCode> {
  const since = parseNow(flags.since, '--since')
  if ((key === undefined) === (since === undefined)) {
    throw new UsageError('give either a key (scheme:id) or --since <time>, not both')
  }
  const replayed = await withInbox(flags, io, async (inbox) =>
    since ? inbox.replay({ since }) : Number(await inbox.replay(key as string)),
  )
  if (flags.json) io.stdout.write(`${JSON.stringify({ replayed })}\n`)
  else if (replayed > 0) io.stdout.write(`${out.green(`replayed ${replayed}`)}\n`)
  else {
    io.stdout.write(
      `${out.yellow(since ? 'nothing dead-lettered since then' : `no dead-lettered event with key ${key}`)}\n`,
    )
  }
  return replayed > 0 || since ? EXIT.OK : EXIT.REJECTED
}
