import { createHash, randomBytes } from 'node:crypto'
import type { InboxEntry } from '@hookguard/core'

/**
 * Lower-case hex SHA-256, the fingerprint an inbox entry carries for its raw body.
 *
 * @example
 * inboxEntry({ payload: 'hi', fingerprint: sha256('hi') })
 */
export const sha256 = (payload: string | Uint8Array): string =>
  createHash('sha256').update(payload).digest('hex')

let n = 0

/**
 * An inbox entry as the receiver hands it to `inbox.accept()` for the default scheme: a fresh id
 * (unless given), its key, a small JSON body and that body's fingerprint; `overrides` win.
 *
 * @example
 * await inbox.accept(inboxEntry({ type: 'order.paid' }))
 */
export function inboxEntry(overrides: Partial<InboxEntry> = {}): InboxEntry {
  const id = overrides.id ?? `evt_${process.pid}_${++n}_${randomBytes(3).toString('hex')}`
  const type = overrides.type ?? 'order.created'
  const payload = overrides.payload ?? JSON.stringify({ id, type, data: { object: { n } } })
  return {
    key: `hookguard:${id}`,
    scheme: 'hookguard',
    id,
    type,
    receivedAt: Date.now(),
    payload,
    fingerprint: sha256(payload),
    ...overrides,
  }
}
