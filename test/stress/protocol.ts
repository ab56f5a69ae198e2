// The messages between `pnpm stress` (the driver) and its server processes, over fork's IPC.

export const ADAPTERS = ['express', 'fastify', 'hono', 'node', 'web'] as const
export type AdapterName = (typeof ADAPTERS)[number]
export const STORES = ['memory', 'redis'] as const
export type StoreName = (typeof STORES)[number]

/** One receiver a server process starts: an adapter over a store. */
export interface ServerSpec {
  adapter: AdapterName
  store: StoreName
}

/** What the driver hands a server process (as its one argument, JSON). */
export interface ServerConfig {
  servers: ServerSpec[]
  secret: string
  /** Needed when a server uses the Redis store. */
  redisUrl?: string
  /** Every Redis key the process writes starts with it; the driver deletes them at the end. */
  prefix: string
  bodyTimeoutMs: number
  /** Each handler run takes a random time up to this, so duplicates can find it in progress. */
  handlerMaxMs: number
}

/** What one receiver saw since the last reset. */
export interface ServerStats {
  rss: number
  /** Handler runs per event id. */
  runs: Array<[id: string, runs: number]>
  /** Runs that started while another run of the same id was still going. */
  overlapping: number
  /** Runs not finished yet (the driver waits for 0 before it counts). */
  inflight: number
  /** Log lines by `level code`. */
  logs: Record<string, number>
  /** Log lines or fields that contained the secret. */
  secretLeaks: number
  /** A few warn/error lines, for the report. */
  samples: string[]
  /** Whether `Object.prototype` gained a property (a body's `__proto__` got merged somewhere). */
  polluted: boolean
}

/** One receiver's requests as its own process timed them (see `server-timing.ts`). */
export interface ServerTiming {
  /** Requests whose headers were parsed and whose answer has not finished (a slow body's, say). */
  open: number
  /** Milliseconds from headers parsed to answer finished, per 2xx answer since the last take. */
  answerMs: number[]
}

export type ToServer =
  | { type: 'stats'; nonce: number; server: number; reset: boolean }
  | { type: 'timing'; nonce: number; server: number }

export type FromServer =
  | { type: 'ready'; urls: string[] }
  | { type: 'stats'; nonce: number; stats: ServerStats }
  | { type: 'timing'; nonce: number; timing: ServerTiming }
  | { type: 'fault'; kind: 'unhandledRejection' | 'uncaughtException'; message: string }
