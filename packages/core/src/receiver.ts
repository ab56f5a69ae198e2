import { type Answer, type AnswerStatus, answerFor } from './answers.js'
import { checkBodyTimeout, checkMaxBodyBytes, type RequestAbortedError } from './body.js'
import { type ErrorCode, WebhookVerificationError } from './errors.js'
import { createDiagnoser, diagnoseByDefault } from './explain/diagnose.js'
import { type HeadersInput, headerGetter } from './headers.js'
import type { Inbox, InboxAcceptResult, InboxEntry } from './inbox.js'
import { fingerprint, idempotencyKey } from './key.js'
import { checkLogger } from './logger.js'
import { outcomeReporter } from './outcome-hook.js'
import {
  type CloseOptions,
  closeTimeout,
  createProcessing,
  IN_PROCESS_OPTIONS,
  type Processing,
  type ProcessorOptions,
} from './processor.js'
import type { Handlers } from './router.js'
import type { HandshakeAnswer } from './schemes/types.js'
import {
  checkVerifyOptions,
  type VerifiedWebhook,
  type VerifyOptions,
  verifyChecked,
} from './verify.js'

/**
 * Options every adapter takes: everything `verify` takes, the body limit, and, to have the
 * adapter answer itself, either `on` handlers (run in this process) or an `inbox` (handlers run
 * in workers).
 */
export interface ReceiverOptions<E = unknown>
  extends VerifyOptions,
    Omit<ProcessorOptions<E>, 'on'> {
  /** Largest accepted body in bytes; default 1 MiB. Enforced while the body streams in. */
  maxBodyBytes?: number
  /**
   * How long the whole body may take to arrive, in milliseconds; default 10 s. Past it the answer
   * is `408 BODY_TIMEOUT` and the connection is closed: nothing reaches a handler or the store.
   */
  bodyTimeoutMs?: number
  /** Handlers keyed by event type; without them (or an inbox) the adapter only verifies. */
  on?: Handlers<E>
  /** Durable storage for verified events; exclusive with `on` (workers run the handlers). */
  inbox?: Inbox
  /**
   * On a rejected signature, run `explain()` after the answer and log its most likely cause and
   * fix (`SIGNATURE_DIAGNOSIS`) to the `logger`; never into the response. Default: on when
   * `NODE_ENV` is `development`.
   */
  diagnose?: boolean
  /**
   * The base URL the sender calls, when it differs from the URL the request arrives at (a proxy
   * or load balancer in front): `https://example.com`, or with a path prefix the proxy strips.
   * The request's path and query are appended. Only schemes that sign the URL use it.
   */
  publicUrl?: string
}

/** What an adapter hands the receiver for one request. */
export interface ReceivedRequest {
  payload: string | Uint8Array
  headers: HeadersInput
  /** The full URL as the request arrived (`http://host/path?query`): URL-signing schemes, diagnosis. */
  url?: string
  /** The HTTP method; default `POST`. Unsigned handshakes (Meta's `GET`) are answered by method. */
  method?: string
}

/** What the adapter should do with a request that passed verification. */
export type Outcome =
  /** No handlers configured: expose the event and hand over to the route's own handler. */
  | { action: 'next'; webhook: VerifiedWebhook }
  /** The receiver answers itself; after sending, start `background` (it never rejects). */
  | {
      action: 'respond'
      status: number
      body: unknown
      headers: Record<string, string>
      webhook: VerifiedWebhook | undefined
      background: (() => Promise<void>) | undefined
    }

/** The framework-independent half of every adapter. */
export interface Receiver {
  readonly maxBodyBytes: number
  /** The body deadline adapters read bodies with (`bodyTimeoutMs`). */
  readonly bodyTimeoutMs: number
  /** Verify a raw body; rejects with `WebhookVerificationError` for the adapter to map. */
  receive(request: ReceivedRequest): Promise<Outcome>
  /**
   * Stops taking deliveries (they get `503 SHUTTING_DOWN` with `Retry-After`), waits up to
   * `timeoutMs` (default 10 s) for running handlers, hands events that cannot finish to the
   * dead-letter hook with `reason: 'shutdown'`, and closes the inbox. Safe to call twice.
   */
  close(options?: CloseOptions): Promise<void>
  /**
   * Logs a body the client abandoned midway (one `debug` line with code `ECONNABORTED`, no stack:
   * it happens whenever a client gives up) and returns the 400 to send if the socket is still open.
   * Adapters call it instead of handing the error to the framework, which would log a stack.
   */
  aborted(error: RequestAbortedError): { status: number; body: { error: string; code: string } }
}

function respond(
  answer: Answer,
  webhook?: VerifiedWebhook,
  background?: () => Promise<void>,
): [Outcome, string] {
  const { status, body, headers, code } = answer
  return [{ action: 'respond', status, body, headers, webhook, background }, code]
}

const INBOX_STATUSES: Record<InboxAcceptResult['status'], AnswerStatus> = {
  accepted: 'accepted',
  duplicate: 'duplicate',
  mismatch: 'mismatch',
}

/** The rejections `explain()` can name a cause for: the signature and its headers. */
const DIAGNOSED_CODES: ReadonlySet<ErrorCode> = new Set([
  'MISSING_HEADER',
  'INVALID_SIGNATURE',
  'INVALID_TIMESTAMP',
  'TIMESTAMP_EXPIRED',
])

function handshakeOutcome(answer: HandshakeAnswer, webhook: VerifiedWebhook | undefined): Outcome {
  const text = typeof answer.body === 'string'
  return {
    action: 'respond',
    status: answer.status,
    body: answer.body,
    headers: text ? { 'content-type': 'text/plain; charset=utf-8' } : {},
    webhook,
    background: undefined,
  }
}

function checkPublicUrl(publicUrl: unknown): string | undefined {
  if (publicUrl === undefined) return undefined
  if (typeof publicUrl !== 'string' || !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/i.test(publicUrl)) {
    throw new TypeError(
      'publicUrl must be the base URL the sender calls, like https://example.com (a path prefix may follow; no query)',
    )
  }
  return publicUrl.replace(/\/+$/, '')
}

/** The URL the sender called: the public base, then the request's path and query. */
function atPublicUrl(publicUrl: string, arrivedAt: string | undefined): string {
  const pathAndQuery = arrivedAt?.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') ?? ''
  return `${publicUrl}${pathAndQuery.startsWith('/') || pathAndQuery === '' ? '' : '/'}${pathAndQuery}`
}

function checkDiagnose(diagnose: unknown): boolean {
  if (diagnose === undefined) return diagnoseByDefault()
  if (typeof diagnose !== 'boolean') throw new TypeError('diagnose must be true or false')
  return diagnose
}

function checkModes<E>(options: ReceiverOptions<E>): void {
  const { on, inbox } = options
  if (on !== undefined && inbox !== undefined) {
    throw new TypeError(
      'on and inbox are exclusive: with an inbox, handlers run in workers (createWorker({ on }))',
    )
  }
  if (inbox !== undefined) {
    if (typeof inbox?.accept !== 'function' || typeof inbox.close !== 'function') {
      throw new TypeError('inbox must implement Inbox (accept, close)')
    }
    if (options.idempotencyKey !== undefined && typeof options.idempotencyKey !== 'function') {
      throw new TypeError('idempotencyKey must be a function')
    }
  }
  if (on !== undefined) return
  const stray: string[] = IN_PROCESS_OPTIONS.filter((name) => options[name] !== undefined)
  if (inbox === undefined && options.idempotencyKey !== undefined) stray.push('idempotencyKey')
  if (stray.length > 0) {
    throw new TypeError(
      `${stray.join(', ')} only ${stray.length === 1 ? 'applies' : 'apply'} together with ${inbox === undefined ? 'on handlers' : 'on handlers, not an inbox'}`,
    )
  }
}

/**
 * Builds the part of an adapter that does not depend on the framework: verify, then claim and
 * run (`on`) or store (`inbox`), and what to answer (see `answers.ts`). Options are validated
 * here, so a misconfigured adapter fails at start-up with a `TypeError`.
 *
 * @example
 * const receiver = createReceiver({ secret, on: { 'order.created': fulfil } })
 * const outcome = await receiver.receive({ payload: rawBody, headers })
 * process.once('SIGTERM', () => receiver.close({ timeoutMs: 10_000 }))
 */
export function createReceiver<E = unknown>(options: ReceiverOptions<E>): Receiver {
  const checked = checkVerifyOptions(options)
  const publicUrl = checkPublicUrl(options.publicUrl)
  const maxBodyBytes = checkMaxBodyBytes(options.maxBodyBytes)
  const bodyTimeoutMs = checkBodyTimeout(options.bodyTimeoutMs)
  checkModes(options)
  const logger = checkLogger(options.logger)
  const report = outcomeReporter(options.onOutcome, logger)
  const diagnose = checkDiagnose(options.diagnose) ? createDiagnoser(checked, logger) : undefined
  const { on, inbox, idempotencyKey: idOf } = options
  const processing: Processing<E> | undefined =
    on === undefined ? undefined : createProcessing({ ...options, on }, logger, report)
  let closing = false
  let closed: Promise<void> | undefined

  async function store(
    webhook: VerifiedWebhook<E>,
    payload: string | Uint8Array,
    headers: HeadersInput,
    box: Inbox,
  ) {
    const print = await fingerprint(payload)
    const { key, id } = idempotencyKey(webhook, idOf, print)
    const entry: InboxEntry = {
      key,
      scheme: webhook.scheme.name,
      id,
      type: webhook.type ?? '',
      receivedAt: Date.now(),
      payload,
      fingerprint: print,
    }
    // Workers parse the stored body by it, as verification just did (form-encoded GitHub, Slack).
    const contentType = headerGetter(headers)('content-type')
    if (contentType !== undefined) entry.contentType = contentType
    let result: InboxAcceptResult
    try {
      result = await box.accept(entry)
    } catch (err) {
      logger.warn({ code: 'STORE_UNAVAILABLE', key, id, err }, '[hookguard] inbox.accept failed')
      return respond(answerFor('store_unavailable'))
    }
    const status = INBOX_STATUSES[result?.status]
    if (status === undefined) {
      logger.error(
        { code: 'INBOX_INVALID_RESULT', key, id },
        '[hookguard] inbox.accept returned no known status',
      )
      return respond(answerFor('store_unavailable'))
    }
    return respond(answerFor(status), status === 'accepted' ? webhook : undefined)
  }

  async function run(webhook: VerifiedWebhook<E>, payload: string | Uint8Array, p: Processing<E>) {
    // A slot is taken before claiming, so a burst cannot claim (and acknowledge) more events
    // than may run at once; it is given back when the run ends or when nothing will run.
    if (!p.slots.take()) return respond(answerFor('busy'))
    let handedOff = false
    try {
      const claimed = await p.claim(webhook, payload)
      if (claimed.status !== 'acquired') {
        const retryAfterMs = 'retryAfterMs' in claimed ? claimed.retryAfterMs : undefined
        return respond(answerFor(claimed.status, retryAfterMs))
      }
      const { claim } = claimed
      if (closing) {
        // Closed while claiming: nothing was acknowledged, so the sender's retry will run it.
        await p.runner.release(claim)
        return respond(answerFor('shutting_down'))
      }
      if (p.ack === 'before') {
        handedOff = true
        return respond(answerFor('accepted'), webhook, () =>
          p.runner.runInBackground(claim, p.slots.give),
        )
      }
      const ran = await p.runner.runOnce(claim)
      return respond(answerFor(ran.status), ran.status === 'completed' ? webhook : undefined)
    } finally {
      if (!handedOff) p.slots.give()
    }
  }

  async function decide(headers: HeadersInput, payload: string | Uint8Array, url?: string) {
    const webhook = await verifyChecked<E>(checked, payload, headers, url)
    // A sender's handshake (Slack's url_verification, Discord's PING) is answered, never processed.
    const challenge = await webhook.scheme.challenge?.(webhook.event, {
      header: headerGetter(headers),
      secret: checked.secrets[0] as string | Uint8Array,
    })
    if (challenge !== undefined) {
      const outcome = handshakeOutcome({ status: 200, body: challenge }, webhook)
      return [webhook, outcome, 'CHALLENGE'] as const
    }
    const [outcome, code] = inbox
      ? await store(webhook, payload, headers, inbox)
      : processing
        ? await run(webhook, payload, processing)
        : [{ action: 'next', webhook } satisfies Outcome, 'VERIFIED']
    return [webhook, outcome, code] as const
  }

  return {
    maxBodyBytes,
    bodyTimeoutMs,
    async receive(received) {
      const { payload, headers, method = 'POST' } = received
      const url = publicUrl === undefined ? received.url : atPublicUrl(publicUrl, received.url)
      const request = url === undefined || url === received.url ? received : { ...received, url }
      const header = checked.scheme.handshake ? headerGetter(headers) : undefined
      const early = header && checked.scheme.handshake?.({ method, url, header })
      if (early !== undefined) return handshakeOutcome(early, undefined)
      if (closing) {
        const [outcome, code] = respond(answerFor('shutting_down'))
        report?.({
          kind: 'delivery',
          scheme: checked.scheme.name,
          type: undefined,
          id: undefined,
          code,
          status: 503,
          durationMs: 0,
        })
        return outcome
      }
      if (!report && !diagnose) return (await decide(headers, payload, url))[1]
      const started = performance.now()
      try {
        const [webhook, outcome, code] = await decide(headers, payload, url)
        const status = outcome.action === 'respond' ? outcome.status : 200
        report?.({
          kind: 'delivery',
          scheme: webhook.scheme.name,
          type: webhook.type,
          id: webhook.id,
          code,
          status,
          durationMs: performance.now() - started,
        })
        return outcome
      } catch (error) {
        if (error instanceof WebhookVerificationError) {
          if (diagnose && DIAGNOSED_CODES.has(error.code)) diagnose(request)
          report?.({
            kind: 'delivery',
            scheme: checked.scheme.name,
            type: undefined,
            id: undefined,
            code: error.code,
            status: error.status,
            durationMs: performance.now() - started,
          })
        }
        throw error
      }
    },
    aborted(error) {
      logger.debug?.({ code: error.code }, `[hookguard] ${error.message}`)
      return { status: error.status, body: { error: error.message, code: error.code } }
    },
    close(closeOptions) {
      const timeoutMs = closeTimeout(closeOptions)
      closing = true
      closed ??= (async () => {
        await processing?.runner.close(timeoutMs)
        await inbox?.close()
      })()
      return closed
    },
  }
}
