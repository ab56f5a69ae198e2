import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { signedJson } from '@hookguard/test-kit'
import { afterEach, describe, expect, it } from 'vitest'
import { allAdapters, type RunningApp } from './support/adapters.js'

// With `ack: 'before'` the sender's 200 must not wait for the handler: not for a slow promise, and
// not for a handler that blocks the thread. Adapters start the handler right after the response
// was handed to the server (on Node, the next tick); this holds them to the answer going out first.
const SECRET = 'whsec_ack_before_blocking'

// The sender runs in a worker thread, so it can read the answer while the handler blocks this one.
// Once it has the answer it sets the shared flag and wakes the handler.
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads')
const { url, body, headers, flag } = workerData
const shared = new Int32Array(flag)
fetch(url, { method: 'POST', body, headers }).then(async (response) => {
  const answer = { status: response.status, body: await response.json() }
  Atomics.store(shared, 0, 1)
  Atomics.notify(shared, 0)
  parentPort.postMessage(answer)
}, (error) => parentPort.postMessage({ error: String(error) }))
`

const running: RunningApp[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()))
})

describe.each(allAdapters)('%s adapter', (_name, start) => {
  it('answers 200 while a synchronous handler still blocks the thread', async () => {
    const flag = new SharedArrayBuffer(4)
    const shared = new Int32Array(flag)
    let waited: string | undefined
    const app = await start(
      {
        secret: SECRET,
        on: {
          // Blocks until the sender has read its answer: 'ok' (woken) or 'not-equal' (it already
          // had it). 'timed-out' means the answer waited for this handler. The bound only keeps
          // a broken adapter from hanging the suite.
          '*': () => {
            waited = Atomics.wait(shared, 0, 0, 10_000)
          },
        },
      },
      SECRET,
    )
    running.push(app)
    const body = JSON.stringify({ id: 'evt_block', type: 'order.created', data: { object: {} } })
    const headers = signedJson(body, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) })
    const sender = new Worker(SENDER, {
      eval: true,
      workerData: { url: `${app.url}/webhooks`, body, headers, flag },
    })
    const [answer] = (await once(sender, 'message')) as [unknown]
    await sender.terminate()
    expect(answer).toEqual({ status: 200, body: { received: true } })
    // The handler ran (the flag woke it, or it found the flag set) and did not time out.
    await expect.poll(() => waited).toBeDefined()
    expect(['ok', 'not-equal']).toContain(waited)
  })
})
