import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MiB, SECRET } from '@hookguard/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allAdapters, type RunningApp } from './support/adapters.js'
import {
  type Client,
  type EndlessClient,
  type Framing,
  type Read,
  readThe413,
  sendEndless,
  sendWith,
} from './support/oversized.js'

// Every adapter's 413 must reach the sender, whatever its client and however it frames the body:
// core reads an oversized body away (within DRAIN_MAX_BYTES / DRAIN_MAX_MS) before answering, so a
// sender still uploading is not reset. HOOKGUARD_413_TRIES=100 runs each case 100 times (what the
// issue asks; 38 minutes on a loaded 2-core machine: 5 for the 2 MiB cases, 33 for the 50 MiB ones,
// most of it undici and curl pushing 50 MiB; add -t ' 2 MiB' for the first part alone). By
// default each case runs a few times, so the file stays under a minute or two.
const FULL = Number(process.env.HOOKGUARD_413_TRIES ?? 0)

const CLIENTS: Client[] = ['send-then-read', 'node:http', 'fetch', 'curl']
const FRAMINGS: Framing[] = ['declared', 'chunked']
const SIZES = [2 * MiB, 50 * MiB]

function tries(client: Client, size: number): number {
  if (FULL > 0) return FULL
  // 50 MiB takes undici and curl about two seconds each here; curl is also a process per try.
  if (size > 2 * MiB) return client === 'send-then-read' || client === 'node:http' ? 2 : 1
  return client === 'curl' ? 3 : 10
}

const dir = mkdtempSync(join(tmpdir(), 'hookguard-413-'))
const bodies = new Map(SIZES.map((size) => [size, Buffer.alloc(size, 0x61)]))
const files = new Map(SIZES.map((size) => [size, join(dir, `body-${size}`)]))
beforeAll(() => {
  for (const size of SIZES) writeFileSync(files.get(size) as string, bodies.get(size) as Buffer)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Sends `n` times; each must read a 413 PAYLOAD_TOO_LARGE. Prints the figure the issue asks for,
 * per adapter, client and case, when asked for it (HOOKGUARD_413_TRIES).
 */
async function expectEvery413(label: string, n: number, send: () => Promise<Read>) {
  const failures: string[] = []
  for (let i = 0; i < n; i++) {
    const read = await send()
    if (!readThe413(read)) failures.push(`${read.status ?? 'no answer'} ${read.error ?? read.body}`)
  }
  if (FULL > 0) console.log(`413 read: ${label}: ${n - failures.length}/${n}`)
  expect(failures).toEqual([])
}

describe.each(allAdapters)('%s: a 413 the sender reads', (name, start) => {
  let app: RunningApp
  beforeAll(async () => {
    app = await start({ secret: SECRET, on: { '*': () => {} } }, SECRET)
  })
  afterAll(() => app.close())

  for (const size of SIZES) {
    for (const framing of FRAMINGS) {
      for (const client of CLIENTS) {
        const n = tries(client, size)
        const label = `${size / MiB} MiB, ${framing}, ${client}`
        it(
          `${label}: ${n}/${n} read the 413`,
          () => {
            const body = bodies.get(size) as Buffer
            const file = files.get(size) as string
            return expectEvery413(`${name} ${label}`, n, () =>
              sendWith(client, `${app.url}/webhooks`, body, file, framing),
            )
          },
          Math.max(60_000, n * 5_000),
        )
      }
    }
  }

  // Past DRAIN_MAX_BYTES nothing more is read: the sender still reads the 413, and the server
  // closes the connection, so a sender that never stops writing cannot hold it.
  const ENDLESS: EndlessClient[] = ['fetch', 'keeps-writing']
  for (const client of ENDLESS) {
    const n = FULL > 0 ? FULL : 3
    it(
      `a chunked body that never ends, ${client}: ${n}/${n} read the 413, and the server closes`,
      () =>
        expectEvery413(`${name} endless, ${client}`, n, () =>
          sendEndless(client, `${app.url}/webhooks`),
        ),
      Math.max(60_000, n * 15_000),
    )
  }

  it('still answers a valid-size request on the same server afterwards', async () => {
    const response = await fetch(`${app.url}/webhooks`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(401)
  })
})
