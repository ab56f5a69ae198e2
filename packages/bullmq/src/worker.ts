import type {
  DeadLetterInfo,
  HandlerRunOutcome,
  Handlers,
  Logger,
  OnOutcome,
  RetryOptions,
  Scheme,
} from '@hookguard/core'
import {
  backoffDelay,
  checkLogger,
  createRouter,
  headerGetter,
  outcomeReporter,
  parseEvent,
  retryPolicy,
} from '@hookguard/core/adapter'
import { resolveScheme } from '@hookguard/core/scheme'
import { type ConnectionOptions, type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq'
import { decodeBody, type InboxJobData } from './job-data.js'
import { onceLogger } from './logger.js'
import { checkMs, checkQueueName, DEFAULT_PREFIX, DEFAULT_QUEUE_NAME } from './options.js'

/**
 * Options for `createWorker`.
 *
 * @example
 * const options: WorkerOptions = {
 *   connection: { host: '127.0.0.1', port: 6379 },
 *   on: { 'order.created': async (event, { id, signal }) => fulfil(event, { signal }) },
 *   concurrency: 10,
 * }
 */
export interface WorkerOptions<E = unknown> {
  /** An ioredis `Redis`/`Cluster` or connection options; BullMQ duplicates it for blocking reads. */
  connection: ConnectionOptions
  /** The queue the inbox adds to; default `'webhooks'`. */
  queueName?: string
  /** Redis key prefix, the inbox's; default `'{hookguard}'`. */
  prefix?: string
  /** Handlers keyed by event type: exact, `prefix.*` or `*`; the most specific one runs. */
  on: Handlers<E>
  /** Handlers run at once by this worker; default 1. */
  concurrency?: number
  /** Attempts and backoff, as for the in-process mode: default 5 attempts, 1 s ×2, jitter 25 %. */
  retry?: RetryOptions
  /** Called once an event failed its last attempt; it stays listed by `inbox.deadLetters()`. */
  onDeadLetter?: (event: E, error: unknown, info: WorkerDeadLetterInfo) => unknown
  /** Custom schemes by name, for events a receiver verified with a `Scheme` object. */
  schemes?: Scheme[]
  /**
   * How long a job's lock lives without renewal; default 30 s. A worker that dies (kill -9) holds
   * its jobs at most this long plus `stalledIntervalMs` before another worker runs them again.
   */
  lockDurationMs?: number
  /** How often workers look for jobs whose lock ran out; default 30 s. */
  stalledIntervalMs?: number
  /**
   * How many times a job may be found stalled (its worker died or hung) and run again before it
   * is failed as a dead letter; default 5. BullMQ's own default, 1, fails an event whose worker is
   * killed twice while running it (two deploys in a row), which a webhook inbox should survive.
   */
  maxStalledCount?: number
  /** How long `close()` lets running handlers finish before aborting their `signal`; default 10 s. */
  closeTimeoutMs?: number
  /** Where errors no handler sees go (core's `Logger`: `console`, pino); default `console`. */
  logger?: Logger
  /**
   * Called once per handler run (`kind: 'run'`: key, attempt, result, duration), as the
   * receiver's `onOutcome` is for the in-process mode; wire metrics here. A throw is logged.
   */
  onOutcome?: OnOutcome
}

/** What the dead-letter hook learns: core's `DeadLetterInfo` plus the idempotency key. */
export interface WorkerDeadLetterInfo extends DeadLetterInfo {
  /** `${scheme}:${id}`, what `inbox.replay(key)` takes. */
  key: string
}

/** A running worker. */
export interface InboxWorker {
  /** The BullMQ worker, for its events. */
  readonly worker: Worker<InboxJobData>
  /**
   * Stops taking jobs and lets running handlers finish within `closeTimeoutMs`; then aborts their
   * `signal` and hands their jobs back to the queue for another worker.
   */
  close(): Promise<void>
}

const SHUTDOWN = 'hookguard worker shutting down'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref())

/** Parses the stored body exactly as the receiver did: core's parser, the request's Content-Type. */
function parseStored(scheme: Scheme, data: InboxJobData): unknown {
  const header = headerGetter(
    data.contentType === undefined ? {} : { 'content-type': data.contentType },
  )
  return parseEvent(scheme, decodeBody(data), header)
}

/**
 * Runs the handlers for events a durable inbox stored, on any machine that reaches the Redis:
 * the job alone is enough. Routing, `HandlerContext` and retries are the in-process mode's; after
 * the last attempt the event goes to `onDeadLetter` and stays in the queue's failed set.
 *
 * @example
 * import { createWorker } from '@hookguard/bullmq'
 *
 * const worker = createWorker({
 *   connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
 *   on: { 'order.created': fulfil, 'order.*': audit },
 *   concurrency: 10,
 *   onDeadLetter: (event, error, { key }) => alertOps(key, error),
 * })
 * process.on('SIGTERM', () => worker.close())
 */
export function createWorker<E = unknown>(options: WorkerOptions<E>): InboxWorker {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createWorker(options): options must be an object with connection and on')
  }
  const { connection } = options
  if (typeof connection !== 'object' || connection === null) {
    throw new TypeError('createWorker(options): connection must be an ioredis client or options')
  }
  const route = createRouter(options.on)
  const policy = retryPolicy(options.retry)
  const queueName = checkQueueName(options.queueName ?? DEFAULT_QUEUE_NAME)
  const prefix = options.prefix ?? DEFAULT_PREFIX
  if (typeof prefix !== 'string' || prefix === '')
    throw new TypeError('prefix must be a non-empty string')
  const concurrency = options.concurrency ?? 1
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new TypeError('concurrency must be a whole number >= 1')
  }
  const lockDuration = checkMs('lockDurationMs', options.lockDurationMs ?? 30_000)
  const stalledInterval = checkMs('stalledIntervalMs', options.stalledIntervalMs ?? 30_000)
  const closeTimeoutMs = checkMs('closeTimeoutMs', options.closeTimeoutMs ?? 10_000)
  const maxStalledCount = options.maxStalledCount ?? 5
  if (!Number.isSafeInteger(maxStalledCount) || maxStalledCount < 0) {
    throw new TypeError('maxStalledCount must be a whole number >= 0')
  }
  const logger = checkLogger(options.logger)
  const log = onceLogger(logger, 'worker')
  const report = outcomeReporter(options.onOutcome, logger)
  const onDeadLetter = options.onDeadLetter
  if (onDeadLetter !== undefined && typeof onDeadLetter !== 'function') {
    throw new TypeError('onDeadLetter must be a function')
  }
  const custom = new Map<string, Scheme>()
  for (const scheme of options.schemes ?? []) custom.set(resolveScheme(scheme).name, scheme)
  const schemeOf = (name: string) => custom.get(name) ?? resolveScheme(name as never)

  let closing = false

  async function deadLetter(event: E, error: unknown, data: InboxJobData, attempts: number) {
    const info: WorkerDeadLetterInfo = {
      key: data.key,
      id: data.id,
      type: data.type,
      attempts,
      reason: 'failed',
    }
    try {
      if (onDeadLetter) await onDeadLetter(event, error, info)
      else
        logger.error(
          { code: 'DEAD_LETTER', key: data.key, id: data.id, reason: 'failed', err: error },
          `[hookguard/bullmq] event ${data.id} (${data.type}) dead-lettered after ${attempts} attempt(s)`,
        )
    } catch (err) {
      logger.error(
        { code: 'DEAD_LETTER_HOOK_FAILED', key: data.key, id: data.id, err },
        '[hookguard/bullmq] onDeadLetter threw',
      )
    }
  }

  async function run(job: Job<InboxJobData>, token?: string, signal?: AbortSignal): Promise<void> {
    const data = job.data
    const handler = route(data.type)
    if (!handler) return
    let event: E
    try {
      event = parseStored(schemeOf(data.scheme), data) as E
    } catch (error) {
      // The receiver parsed these very bytes; only a worker without the scheme gets here.
      await deadLetter(undefined as E, error, data, job.attemptsMade + 1)
      throw new UnrecoverableError(`cannot parse the stored event: ${String(error)}`)
    }
    const attempt = job.attemptsMade + 1
    const aborted = signal ?? new AbortController().signal
    const started = performance.now()
    const ran = (result: HandlerRunOutcome['result']) =>
      report?.({
        kind: 'run',
        key: data.key,
        id: data.id,
        type: data.type,
        attempt,
        result,
        durationMs: performance.now() - started,
      })
    try {
      await handler(event, { id: data.id, type: data.type, attempt, signal: aborted })
    } catch (error) {
      if (closing && aborted.aborted && token) {
        // Cut short by our own shutdown: not the handler's fault, so no attempt is spent.
        ran('error')
        await job.moveToWait(token)
        throw new WaitingError()
      }
      const last = attempt >= policy.attempts
      ran(last ? 'dead_letter' : 'error')
      if (last) await deadLetter(event, error, data, attempt)
      throw error
    }
    ran('ok')
  }

  const worker = new Worker<InboxJobData>(queueName, run, {
    connection,
    prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    settings: {
      // BullMQ asks after each failure: -1 means "no more attempts", the job goes to failed.
      backoffStrategy: (attemptsMade: number) =>
        attemptsMade >= policy.attempts ? -1 : backoffDelay(policy, attemptsMade),
    },
  })
  worker.on('error', (error) => log('WORKER_ERROR', 'error', error))
  // Another worker may now hold the job: tell the handler through its signal.
  worker.on('lockRenewalFailed', (jobIds: string[]) => {
    for (const id of jobIds) worker.cancelJob(id, 'lock lost')
  })

  let closed: Promise<void> | undefined
  return {
    worker,
    close() {
      closed ??= (async () => {
        closing = true
        const drained = worker.close()
        const inTime = await Promise.race([
          drained.then(() => true),
          sleep(closeTimeoutMs).then(() => false),
        ])
        if (inTime) return
        worker.cancelAllJobs(SHUTDOWN)
        // Handlers that honour the signal hand their job back; the rest are left to stalled-job
        // recovery once their lock runs out.
        const handedBack = await Promise.race([
          drained.then(() => true),
          sleep(1000).then(() => false),
        ])
        if (!handedBack) await worker.close(true)
      })()
      return closed
    },
  }
}
