import type { InboxEntry } from '@hookguard/core'

/**
 * What one job holds: everything a worker on another machine needs to run the handlers, and
 * nothing that could sign a request (no secret, no signature header).
 */
export interface InboxJobData {
  /** The idempotency key, `${scheme}:${id}`. */
  key: string
  scheme: string
  id: string
  type: string
  /** When the receiver accepted the delivery, ms since epoch. */
  receivedAt: number
  /** Lower-case hex SHA-256 of the raw body. */
  fingerprint: string
  /** The request's Content-Type, for schemes whose parsing depends on it (GitHub, Slack forms). */
  contentType?: string
  /** The raw body: as text when it is valid UTF-8 (`utf8`), else base64 (`base64`). */
  body: string
  encoding: 'utf8' | 'base64'
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The raw body as JSON-safe text that decodes back to the very same bytes. */
export function encodeBody(payload: string | Uint8Array): Pick<InboxJobData, 'body' | 'encoding'> {
  if (typeof payload === 'string') return { body: payload, encoding: 'utf8' }
  try {
    // Valid UTF-8 round-trips exactly (BOM kept), and stays readable in a dashboard.
    return { body: strictUtf8.decode(payload), encoding: 'utf8' }
  } catch {
    return {
      body: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'),
      encoding: 'base64',
    }
  }
}

/** The body exactly as received. */
export function decodeBody(data: Pick<InboxJobData, 'body' | 'encoding'>): string | Uint8Array {
  if (data.encoding === 'base64') return new Uint8Array(Buffer.from(data.body, 'base64'))
  return data.body
}

export function jobData(entry: InboxEntry): InboxJobData {
  const data: InboxJobData = {
    key: entry.key,
    scheme: entry.scheme,
    id: entry.id,
    type: entry.type,
    receivedAt: entry.receivedAt,
    fingerprint: entry.fingerprint,
    ...encodeBody(entry.payload),
  }
  if (entry.contentType !== undefined) data.contentType = entry.contentType
  return data
}
