import { createHash, randomUUID } from 'node:crypto'
import { type Inbox, type InboxAcceptResult, type InboxEntry, sign } from '@hookguard/core'
import { createReceiver } from '@hookguard/core/adapter'
import { webhook as expressWebhook } from '@hookguard/express'
import { afterEach, describe, expect, it } from 'vitest'
import { adapters, type RunningApp } from './support/adapters.js'

// The durable-inbox contract end to end: the real receiver behind each real adapter, over a
// socket, storing into a small inbox that behaves like a durable one (a Map, a switch for "down").
const SECRET = 'whsec_inbox_test'

class MapInbox implements Inbox {
  readonly entries = new Map<string, InboxEntry>()
  down = false
  closed = 0
  async accept(entry: InboxEntry): Promise<InboxAcceptResult> {
    if (this.down) throw new Error('ECONNREFUSED 127.0.0.1:6379')
    const known = this.entries.get(entry.key)
    if (known) return { status: known.fingerprint === entry.fingerprint ? 'duplicate' : 'mismatch' }
    this.entries.set(entry.key, entry)
    return { status: 'accepted' }
  }
  async close(): Promise<void> {
    this.closed++
  }
}

const quiet = { warn() {}, error() {} }
const body = (id: string, n = 0) =>
  JSON.stringify({
    id,
    type: 'order.created',
    created: 1,
    apiVersion: '1',
    data: { object: { n } },
  })

async function deliver(url: string, payload: string) {
  const headers = await sign({ payload, secret: SECRET })
  const response = await fetch(`${url}/webhooks`, {
    method: 'POST',
    body: payload,
    headers: { ...headers, 'content-type': 'application/json' },
  })
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  }
}

const running: RunningApp[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()))
})

describe.each(adapters)('the inbox option on %s', (_name, start) => {
  it('stores the verified entry before the 200, then answers duplicates, mismatches and outages', async () => {
    const inbox = new MapInbox()
    const app = await start({ secret: SECRET, inbox, logger: quiet }, SECRET)
    running.push(app)
    const id = `evt_${randomUUID()}`
    const payload = body(id)
    const before = Date.now()

    expect(await deliver(app.url, payload)).toMatchObject({ status: 200, body: { received: true } })
    const entry = inbox.entries.get(`hookguard:${id}`)
    expect(entry).toMatchObject({
      key: `hookguard:${id}`,
      scheme: 'hookguard',
      id,
      type: 'order.created',
      fingerprint: createHash('sha256').update(payload).digest('hex'),
    })
    expect(entry?.receivedAt).toBeGreaterThanOrEqual(before)
    expect(Buffer.from(entry?.payload ?? '').toString()).toBe(payload)
    expect(JSON.stringify(entry)).not.toContain(SECRET)

    expect(await deliver(app.url, payload)).toMatchObject({
      status: 200,
      body: { received: true, duplicate: true },
    })
    expect(await deliver(app.url, body(id, 1))).toMatchObject({
      status: 422,
      body: { code: 'IDEMPOTENCY_MISMATCH' },
    })
    inbox.down = true
    expect(await deliver(app.url, body(`evt_${randomUUID()}`))).toMatchObject({
      status: 503,
      retryAfter: expect.stringMatching(/^\d+$/),
      body: { code: 'STORE_UNAVAILABLE' },
    })
    expect(inbox.entries.size).toBe(1)
  })
})

describe('the inbox option', () => {
  it('is exclusive with on, and with the in-process options', () => {
    const inbox = new MapInbox()
    expect(() => createReceiver({ secret: SECRET, inbox, on: { '*': () => {} } })).toThrow(
      /exclusive/,
    )
    expect(() => createReceiver({ secret: SECRET, inbox, ack: 'after' })).toThrow(TypeError)
    expect(() => createReceiver({ secret: SECRET, inbox: {} as Inbox })).toThrow(TypeError)
  })

  it('close() stops accepting (503 SHUTTING_DOWN) and closes the inbox once', async () => {
    const inbox = new MapInbox()
    const hook = expressWebhook({ secret: SECRET, inbox, logger: quiet })
    const express = (await import('express')).default
    const server = express().post('/webhooks', hook).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const address = server.address()
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    try {
      await Promise.all([hook.close(), hook.close()])
      expect(inbox.closed).toBe(1)
      expect(await deliver(url, body(`evt_${randomUUID()}`))).toMatchObject({
        status: 503,
        body: { code: 'SHUTTING_DOWN' },
      })
      expect(inbox.entries.size).toBe(0)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
