import { crypto } from '#crypto'
import { hexEncode } from './encoding.js'
import { WebhookVerificationError } from './errors.js'
import type { VerifiedWebhook } from './verify.js'

/** Finds an event's id for deduplication; the `idempotencyKey` option. */
export type EventIdOf<E> = (webhook: VerifiedWebhook<E>) => string | undefined

/**
 * The event's id and its idempotency key, `${scheme}:${id}`: scheme-qualified, so two senders
 * sharing a store cannot collide. An event without an id is `INVALID_PAYLOAD`.
 */
export function idempotencyKey<E>(
  webhook: VerifiedWebhook<E>,
  idOf: EventIdOf<E> | undefined,
): { key: string; id: string } {
  const id = idOf ? idOf(webhook) : webhook.id
  if (typeof id !== 'string' || id === '') {
    throw new WebhookVerificationError(
      'INVALID_PAYLOAD',
      'The event has no id to deduplicate on (see idempotencyKey)',
    )
  }
  return { key: `${webhook.scheme.name}:${id}`, id }
}

/** Lower-case hex SHA-256 of the raw body: the same id with another body is told apart by it. */
export async function fingerprint(payload: string | Uint8Array): Promise<string> {
  return hexEncode(await crypto.sha256([payload]))
}
