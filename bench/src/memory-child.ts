// Child process: a fresh heap, so the memory figures are the store's and nothing else's.
import { MemoryIdempotencyStore } from '@hookguard/core'

export interface MemoryResult {
  events: number
  seconds: number
  size: number
  rssDelta: number
  heapDelta: number
  /** Array buffers (typed arrays' storage, outside the V8 heap) after the run, minus before. */
  arrayBuffersDelta: number
  peakRssDelta: number
}

const MAX_ENTRIES = 100_000
const LEASE_MS = 30_000
const RETENTION_MS = 72 * 3600_000

const collect = globalThis.gc
if (process.send && collect) {
  const events = Number(process.argv[2])
  const fingerprintPrefix = 'f'.repeat(56)
  collect()
  const before = process.memoryUsage()
  let peakRss = before.rss
  const store = new MemoryIdempotencyStore({ maxEntries: MAX_ENTRIES })
  const start = performance.now()
  for (let i = 0; i < events; i++) {
    // As the processor calls it: `${scheme}:${event id}` and a 64-hex-digit SHA-256 fingerprint,
    // a distinct one per event.
    const key = `hookguard:evt_${i}`
    const fingerprint = `${fingerprintPrefix}${i.toString(16).padStart(8, '0')}`
    const claim = await store.begin(key, { fingerprint, leaseMs: LEASE_MS })
    if (claim.status !== 'acquired') throw new Error(`begin: ${claim.status}`)
    if (!(await store.complete(key, claim.token, { retentionMs: RETENTION_MS }))) {
      throw new Error('complete: lease lost')
    }
    if (i % 65_536 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss())
  }
  const seconds = (performance.now() - start) / 1000
  collect()
  const after = process.memoryUsage()
  const result: MemoryResult = {
    events,
    seconds,
    size: store.size,
    rssDelta: after.rss - before.rss,
    heapDelta: after.heapUsed - before.heapUsed,
    arrayBuffersDelta: after.arrayBuffers - before.arrayBuffers,
    peakRssDelta: Math.max(peakRss, after.rss) - before.rss,
  }
  process.send(result, () => process.exit(0))
}
