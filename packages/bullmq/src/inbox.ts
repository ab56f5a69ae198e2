import type { Inbox, InboxAcceptResult, InboxEntry, Logger } from '@hookguard/core'
import { withTimeout } from '@hookguard/core/adapter'
import { type ConnectionOptions, type Job, Queue } from 'bullmq'
import { type InboxJobData, jobData } from './job-data.js'
import { decodeKey, encodeKey, newJobId, parseJobId, sameFingerprint } from './job-id.js'
import { onceLogger } from './logger.js'
import {
  BACKOFF_TYPE,
  checkMs,
  checkQueueName,
  DEFAULT_DEAD_LETTER_RETENTION_MS,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  DEFAULT_RETENTION_MS,
  JOB_ATTEMPTS_CEILING,
} from './options.js'

/**
 * Options for `createInbox`.
 *
 * @example
 * const options: InboxOptions = { connection: { host: '127.0.0.1', port: 6379 }, queueName: 'webhooks' }
 */
export interface InboxOptions {
  /** An ioredis `Redis`/`Cluster` (shared, not closed by `close()`) or connection options. */
  connection: ConnectionOptions
  /** The BullMQ queue; default `'webhooks'`. Workers must name the same one. */
  queueName?: string
  /** Redis key prefix; default `'{hookguard}'`, a hash tag, so the queue lives in one Cluster slot. */
  prefix?: string
  /** How long a completed event is kept, which is the deduplication window; default 72 h. */
  retentionMs?: number
  /** How long a dead-lettered event is kept for `deadLetters()` and `replay()`; default 30 days. */
  deadLetterRetentionMs?: number
  /** `accept` rejects (the sender gets 503 and retries) when Redis has not confirmed by then; default 2 s. */
  timeoutMs?: number
  /** Where connection errors go (core's `Logger`: `console`, pino); default `console`. */
  logger?: Logger
}

/** An event that failed every attempt, as `deadLetters()` lists it. */
export interface DeadLetter {
  /** The idempotency key, `${scheme}:${id}`: what `replay(key)` takes. */
  key: string
  id: string
  type: string
  /** Runs made, the last one included. */
  attempts: number
  /** The last run's error message. */
  error: string
  /** When the last run failed. */
  failedAt: Date
}

/** The durable inbox an adapter takes as its `inbox` option, plus what operators need. */
export interface BullInbox extends Inbox {
  /** The BullMQ queue, e.g. for a dashboard (bull-board's `BullMQAdapter(inbox.queue)`). */
  readonly queue: Queue<InboxJobData>
  /** Dead-lettered events, newest first. */
  deadLetters(options?: { limit?: number }): Promise<DeadLetter[]>
  /** Runs a dead-lettered (or completed) event again, with fresh attempts; `false` if not stored. */
  replay(key: string): Promise<boolean>
  /** Runs every event dead-lettered since `since` again; resolves to how many. */
  replay(filter: { since: Date }): Promise<number>
  /** Closes the queue (and the connection, unless it was given as a client). */
  close(): Promise<void>
}

const PAGE = 500

/**
 * A durable inbox on a BullMQ queue: an adapter adds each verified delivery as a job and answers
 * 200 only once Redis has confirmed the add; workers (`createWorker`) run the handlers.
 *
 * @example
 * import { webhook } from '@hookguard/express'
 * import { createInbox } from '@hookguard/bullmq'
 *
 * const inbox = createInbox({ connection: { host: '127.0.0.1', port: 6379 } })
 * app.post('/webhooks', webhook({ secret, inbox }))
 * process.on('SIGTERM', () => inbox.close())
 */
export function createInbox(options: InboxOptions): BullInbox {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createInbox(options): options must be an object with a connection')
  }
  const { connection } = options
  if (typeof connection !== 'object' || connection === null) {
    throw new TypeError('createInbox(options): connection must be an ioredis client or options')
  }
  const queueName = checkQueueName(options.queueName ?? DEFAULT_QUEUE_NAME)
  const prefix = options.prefix ?? DEFAULT_PREFIX
  if (typeof prefix !== 'string' || prefix === '')
    throw new TypeError('prefix must be a non-empty string')
  const retentionMs = checkMs('retentionMs', options.retentionMs ?? DEFAULT_RETENTION_MS)
  const deadLetterRetentionMs = checkMs(
    'deadLetterRetentionMs',
    options.deadLetterRetentionMs ?? DEFAULT_DEAD_LETTER_RETENTION_MS,
  )
  const timeoutMs = checkMs('timeoutMs', options.timeoutMs ?? 2000)
  const log = onceLogger(options.logger, 'inbox')

  const queue = new Queue<InboxJobData>(queueName, { connection, prefix })
  // An unheard 'error' event would crash the process; Redis being away is answered with 503s.
  queue.on('error', (error) => log('STORE_UNAVAILABLE', 'Redis connection error', error))

  const jobOptions = {
    // The worker's retry policy decides when to stop (its backoff strategy answers -1).
    attempts: JOB_ATTEMPTS_CEILING,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: { age: Math.ceil(retentionMs / 1000) },
    removeOnFail: { age: Math.ceil(deadLetterRetentionMs / 1000) },
  }

  async function findJob(key: string): Promise<Job<InboxJobData> | undefined> {
    const encoded = encodeKey(key)
    const jobId = await queue.getDeduplicationJobId(encoded)
    if (jobId) {
      const job = await queue.getJob(jobId)
      if (job) return job
    }
    // Past the deduplication window the job may still be a dead letter: find it by its id.
    for (let start = 0; ; start += PAGE) {
      const jobs = await queue.getFailed(start, start + PAGE - 1)
      const hit = jobs.find((job) => job?.id && parseJobId(job.id)?.encodedKey === encoded)
      if (hit) return hit
      if (jobs.length < PAGE) return undefined
    }
  }

  async function replayJob(job: Job<InboxJobData>): Promise<boolean> {
    const state = await job.getState()
    if (state !== 'failed' && state !== 'completed') return false
    await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true })
    return true
  }

  async function replay(target: string | { since: Date }): Promise<boolean | number> {
    if (typeof target === 'string') {
      const job = await findJob(target)
      return job ? replayJob(job) : false
    }
    if (typeof target !== 'object' || target === null || !(target.since instanceof Date)) {
      throw new TypeError('replay takes a key or { since: Date }')
    }
    const since = target.since.getTime()
    const due: Array<Job<InboxJobData>> = []
    // The failed set is ordered newest first; stop at the first one older than `since`.
    for (let start = 0; ; start += PAGE) {
      const jobs = (await queue.getFailed(start, start + PAGE - 1)).filter(Boolean)
      const recent = jobs.filter((job) => (job.finishedOn ?? 0) >= since)
      due.push(...recent)
      if (jobs.length < PAGE || recent.length < jobs.length) break
    }
    let replayed = 0
    for (const job of due) if (await replayJob(job)) replayed++
    return replayed
  }

  return {
    queue,

    async accept(entry: InboxEntry): Promise<InboxAcceptResult> {
      const encoded = encodeKey(entry.key)
      const jobId = newJobId(encoded, entry.fingerprint)
      const job = await withTimeout(
        queue.add(entry.type, jobData(entry), {
          ...jobOptions,
          jobId,
          // One atomic add: a job already stored under this key is returned instead of a new one.
          deduplication: { id: encoded, ttl: retentionMs },
        }),
        timeoutMs,
        () =>
          new Error(
            `hookguard bullmq: adding the event to the queue: no answer from Redis within ${timeoutMs} ms`,
          ),
      )
      if (job.id === jobId) return { status: 'accepted' }
      const stored = job.id === undefined ? undefined : parseJobId(job.id)
      if (stored && sameFingerprint(stored.fingerprint, entry.fingerprint)) {
        return { status: 'duplicate' }
      }
      return { status: 'mismatch' }
    },

    async deadLetters({ limit = 1000 } = {}) {
      if (!Number.isSafeInteger(limit) || limit < 1)
        throw new TypeError('limit must be a whole number >= 1')
      const jobs = await queue.getFailed(0, limit - 1)
      return jobs.filter(Boolean).map((job) => ({
        key: job.data.key ?? decodeKey(parseJobId(job.id ?? '')?.encodedKey ?? ''),
        id: job.data.id,
        type: job.data.type,
        attempts: job.attemptsMade,
        error: job.failedReason,
        failedAt: new Date(job.finishedOn ?? job.timestamp),
      }))
    },

    replay: replay as BullInbox['replay'],

    async close() {
      await queue.close()
    },
  }
}
