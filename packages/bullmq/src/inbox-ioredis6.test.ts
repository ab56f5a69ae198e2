import { Redis } from 'ioredis6'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createInbox } from './inbox.js'
import { describeInboxContract } from './inbox-contract.js'
import { connect, deleteKeys, entry, redisOptions } from './test-helpers.js'

// Real Redis and BullMQ on a shared 2-core machine: allow for load, assert no timings.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

// BullMQ brings its own ioredis 5 for connections it makes from options; an application that
// hands the inbox and its workers a client of its own may have ioredis 6 (what `npm install
// ioredis` gives now). The whole inbox contract runs again on ioredis 6 clients.
const clients: Redis[] = []
const cleaner = connect()

function ioredis6Client(): Redis {
  const client = new Redis(redisOptions())
  clients.push(client)
  return client
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())))
  await cleaner.quit()
})

describeInboxContract({
  label: 'one Redis node through an ioredis 6 client',
  connection: () => ioredis6Client(),
  cleanup: (prefix) => deleteKeys(cleaner, prefix),
})

describe('createInbox on an ioredis 6 client: Redis unreachable', () => {
  it('rejects within timeoutMs (the sender gets 503), and close() returns', async () => {
    const client = new Redis({ port: 7169, maxRetriesPerRequest: null })
    client.on('error', () => {})
    clients.push(client)
    const quiet = () => {}
    const box = createInbox({
      connection: client,
      timeoutMs: 300,
      logger: { error: quiet, warn: quiet, info: quiet, debug: quiet },
    })
    const started = Date.now()
    await expect(box.accept(entry())).rejects.toThrow(/no answer from Redis within 300 ms/)
    expect(Date.now() - started).toBeLessThan(2000)
    await box.close()
  })
})
