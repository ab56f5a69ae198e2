/**
 * A verified delivery as a durable inbox stores it: never a secret or a signature header. The
 * receiver builds it (one place decides the key and the fingerprint).
 *
 * @example
 * const entry: InboxEntry = { key: 'hookguard:evt_1', scheme: 'hookguard', id: 'evt_1', type: 'order.created', receivedAt: Date.now(), payload: rawBody, fingerprint }
 */
export interface InboxEntry {
  /** The idempotency key: `${scheme}:${id}`, or for a scheme keyed on its body (Shopify) `${scheme}:${type}:${fingerprint}`. */
  key: string
  scheme: string
  id: string
  type: string
  /** Milliseconds since the epoch. */
  receivedAt: number
  /** The raw body exactly as received. */
  payload: string | Uint8Array
  /** Lower-case hex SHA-256 of the raw body. */
  fingerprint: string
  /**
   * The request's `Content-Type`, when it had one: GitHub and Slack bodies parse by it (form or
   * JSON). The only header stored; none that carries a secret or a signature ever is.
   */
  contentType?: string
}

/**
 * What `accept` found: `accepted` (durably stored), `duplicate` (stored before with the same
 * fingerprint) or `mismatch` (the key is stored with another fingerprint).
 *
 * @example
 * const result: InboxAcceptResult = { status: 'accepted' }
 */
export type InboxAcceptResult =
  | { status: 'accepted' }
  | { status: 'duplicate' }
  | { status: 'mismatch' }

/**
 * Durable storage for verified events, given to an adapter as `inbox`: the receiver answers
 * `200` only once `accept` resolved, and handlers run elsewhere (workers). `accept` rejecting
 * (storage down or slow) is answered `503 STORE_UNAVAILABLE` with `Retry-After`.
 *
 * @example
 * app.post('/webhooks', webhook({ secret, inbox: createInbox({ connection }) }))
 */
export interface Inbox {
  accept(entry: InboxEntry): Promise<InboxAcceptResult>
  close(): Promise<void>
}
