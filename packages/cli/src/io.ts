import type { Readable, Writable } from 'node:stream'

/** Where a run reads and writes: the process by default, something else in tests. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number }
  stderr: Writable & { isTTY?: boolean; columns?: number }
  stdin: Readable & { isTTY?: boolean }
  env: Record<string, string | undefined>
}

export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
})
