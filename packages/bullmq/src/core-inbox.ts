// TEMPORARY: the interface from NOTES.md, until @hookguard/core exports it (then import from core
// and delete this file).

/** A verified delivery as a durable inbox stores it. Never a secret or a signature header. */
export interface InboxEntry {
  key: string
  scheme: string
  id: string
  type: string
  receivedAt: number
  payload: string | Uint8Array
  fingerprint: string
  contentType?: string
}

export type InboxAcceptResult =
  | { status: 'accepted' }
  | { status: 'duplicate' }
  | { status: 'mismatch' }

export interface Inbox {
  accept(entry: InboxEntry): Promise<InboxAcceptResult>
  close(): Promise<void>
}
