import { MiB } from '@hookguard/test-kit/scripts'
import type { Client, Framing } from '../support/oversized.js'

/** How much `pnpm stress` does: `full` (the default) or `short` (`--short`, what CI runs). */
export interface Plan {
  name: 'full' | 'short'
  /** Mutated requests per receiver, and how many are in flight at once. */
  fuzz: { requests: number; concurrency: number }
  /**
   * Slow connections held open at once; per round, valid requests timed alone and then while they
   * are held (the two pooled over `rounds`), after `warmup` untimed ones.
   */
  slow: { connections: number; valid: number; rounds: number; warmup: number }
  oversized: {
    sizes: number[]
    clients: Client[]
    tries: (size: number, client: Client, framing: Framing) => number
  }
  /** Valid deliveries for `seconds` from `senders` concurrent senders, `duplicates` of them resent. */
  load: { seconds: number; senders: number; duplicates: number }
  /** The receivers' `bodyTimeoutMs` (short, so slow clients and short bodies end soon). */
  bodyTimeoutMs: number
  /**
   * Scenarios whose requests never reach the store (slow, oversized) run on the memory store only.
   * Full runs every scenario on both stores.
   */
  storeFreeOnMemoryOnly: boolean
  /**
   * `receiver`: a server process per adapter and store (its RSS is that receiver's alone);
   * `one`: every receiver in one process (started once: about 2 s of CPU saved per receiver),
   * replaced after a crash for the rows that follow.
   */
  processes: 'receiver' | 'one'
}

export const FULL: Plan = {
  name: 'full',
  fuzz: { requests: 3000, concurrency: 16 },
  slow: { connections: 300, valid: 300, rounds: 3, warmup: 100 },
  oversized: {
    sizes: [2 * MiB, 50 * MiB],
    clients: ['send-then-read', 'node:http', 'fetch', 'curl'],
    tries: (size) => (size > 2 * MiB ? 1 : 2),
  },
  load: { seconds: 10, senders: 32, duplicates: 0.3 },
  bodyTimeoutMs: 2000,
  storeFreeOnMemoryOnly: false,
  processes: 'receiver',
}

export const SHORT: Plan = {
  name: 'short',
  fuzz: { requests: 150, concurrency: 16 },
  slow: { connections: 30, valid: 30, rounds: 1, warmup: 10 },
  oversized: {
    sizes: [2 * MiB, 50 * MiB],
    clients: ['send-then-read', 'node:http', 'fetch'],
    // 50 MiB once per receiver, chunked, through the client that reads only after sending.
    tries: (size, client, framing) =>
      size <= 2 * MiB ? 1 : client === 'send-then-read' && framing === 'chunked' ? 1 : 0,
  },
  load: { seconds: 1, senders: 16, duplicates: 0.3 },
  bodyTimeoutMs: 500,
  storeFreeOnMemoryOnly: true,
  processes: 'one',
}
