import { crypto } from '#crypto'
import { hexEncode } from './encoding.js'
import { WebhookVerificationError } from './errors.js'
import type { VerifiedWebhook } from './verify.js'

/** Finds an event's id for deduplication; the `idempotencyKey` option. */
export type EventIdOf<E> = (webhook: VerifiedWebhook<E>) => string | undefined

/**
 * A JSON number cannot be a key exactly: past 2^53 two ids round to one number, and `1` and `"1"`
 * would share a key, so a different event would be refused as a mismatch on every retry.
 */
function refuseNumericId(event: unknown): void {
  const id =
    typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined
  if (typeof id === 'string' || id === undefined) return
  throw new WebhookVerificationError(
    'INVALID_PAYLOAD',
    `The event's id is a ${id === null ? 'null' : typeof id}, not a string: JSON numbers lose digits past 2^53 ` +
      'and 1 and "1" would share one key. Give the idempotencyKey option a function that returns ' +
      'the id as a string (for example from a header)',
  )
}

/**
 * The event's id and its idempotency key, `${scheme}:${id}`: scheme-qualified, so two senders
 * sharing a store cannot collide. An event without an id is `INVALID_PAYLOAD`.
 *
 * A scheme whose id is not signed may key on what is (`idempotencyKeyFrom: 'body'`, Shopify):
 * `${scheme}:${type}:${bodyDigest}`, the body's SHA-256 (its `fingerprint`), so a captured body
 * resent under a new id is still a duplicate. The id stays the sender's, for handlers and logs.
 * An `idempotencyKey` option (`idOf`) always wins.
 */
export function idempotencyKey<E>(
  webhook: VerifiedWebhook<E>,
  idOf: EventIdOf<E> | undefined,
  bodyDigest: string,
): { key: string; id: string } {
  const { scheme } = webhook
  if (!idOf && scheme.idempotencyKeyFrom === 'body') {
    return {
      key: `${scheme.name}:${webhook.type ?? ''}:${bodyDigest}`,
      id: webhook.id ?? bodyDigest,
    }
  }
  if (!idOf && !scheme.eventId) refuseNumericId(webhook.event)
  const id = idOf ? idOf(webhook) : webhook.id
  if (typeof id !== 'string' || id === '') {
    throw new WebhookVerificationError(
      'INVALID_PAYLOAD',
      'The event has no id to deduplicate on (see idempotencyKey)',
    )
  }
  return { key: `${scheme.name}:${id}`, id }
}

/**
 * Lower-case hex SHA-256 of the raw body: the same id with another body is told apart by it.
 * Synchronous where the back end can hash in one call (node:crypto), else a promise.
 */
export function fingerprint(payload: string | Uint8Array): string | Promise<string> {
  const { syncSha256Hex } = crypto
  if (syncSha256Hex) return syncSha256Hex(payload)
  return crypto.sha256([payload]).then(hexEncode)
}
