import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { FromServer, ServerConfig, ServerStats, ServerTiming, ToServer } from './protocol.js'

/** A server process seen from the driver: its receivers' URLs, their stats, and its faults. */
export interface ServerProcess {
  urls: string[]
  /** Unhandled rejections and uncaught exceptions it reported, and its exit when unexpected. */
  faults: string[]
  alive(): boolean
  stats(server: number, reset: boolean): Promise<ServerStats>
  /** Takes the receiver's own request timing (answer times since the last take). */
  timing(server: number): Promise<ServerTiming>
  stop(): Promise<void>
}

const ANSWER_TIMEOUT_MS = 10_000

/** Forks `server.ts` (under the driver's own loader: tsx) and waits until its receivers listen. */
export async function startServerProcess(config: ServerConfig): Promise<ServerProcess> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./server.ts', import.meta.url)),
    [JSON.stringify(config)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  const faults: string[] = []
  const pending = new Map<number, (answer: ServerStats | ServerTiming) => void>()
  let stopping = false
  let exited = false
  let nonce = 0
  const ready = new Promise<string[]>((resolve, reject) => {
    child.on('message', (message: FromServer) => {
      if (message.type === 'ready') resolve(message.urls)
      else if (message.type === 'fault') faults.push(`${message.kind}: ${message.message}`)
      else if (message.type === 'stats') pending.get(message.nonce)?.(message.stats)
      else if (message.type === 'timing') pending.get(message.nonce)?.(message.timing)
    })
    child.on('exit', (code, signal) => {
      exited = true
      if (!stopping) faults.push(`server process exited (${signal ?? `code ${code}`})`)
      reject(new Error(`server process exited before it listened (${signal ?? `code ${code}`})`))
    })
  })
  const urls = await ready

  /** Sends `message` and waits for the answer carrying its nonce. */
  function ask<T extends ServerStats | ServerTiming>(message: ToServer): Promise<T> {
    return new Promise((resolve, reject) => {
      if (exited) return reject(new Error('the server process is gone'))
      const timer = setTimeout(() => {
        pending.delete(message.nonce)
        reject(
          new Error(
            `the server process did not answer a ${message.type} request within ${ANSWER_TIMEOUT_MS / 1000} s`,
          ),
        )
      }, ANSWER_TIMEOUT_MS)
      pending.set(message.nonce, (answer) => {
        clearTimeout(timer)
        pending.delete(message.nonce)
        resolve(answer as T)
      })
      child.send(message)
    })
  }
  return {
    urls,
    faults,
    alive: () => !exited,
    stats: (server, reset) => ask({ type: 'stats', nonce: ++nonce, server, reset }),
    timing: (server) => ask({ type: 'timing', nonce: ++nonce, server }),
    async stop() {
      stopping = true
      if (exited) return
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await gone
      clearTimeout(timer)
    },
  }
}
