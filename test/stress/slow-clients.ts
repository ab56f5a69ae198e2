import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { SlowRead } from '../support/slow.js'

// The driver's side of `slow-holder.ts`: one process for the whole run (a tsx fork costs about
// 0.6 s), holding one batch of slow connections at a time.

export type ToHolder = { nonce: number; url: string; connections: number }
export type FromHolder =
  | { type: 'ready' }
  | { type: 'held'; nonce: number }
  | { type: 'closed'; nonce: number; reads: SlowRead[] }

/** A batch of slow connections: `sending` once each wrote its headers, `closed` with what each read. */
export interface SlowBatch {
  sending: Promise<void>
  closed: Promise<SlowRead[]>
}

let holder: Promise<ChildProcess> | undefined
let nonce = 0

function start(): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./slow-holder.ts', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  child.on('exit', () => {
    holder = undefined
  })
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child))
    child.once('exit', (code, signal) =>
      reject(new Error(`the slow-client process exited (${signal ?? `code ${code}`})`)),
    )
  })
}

/**
 * Opens `connections` slow clients to `url` from the slow-client process (started on first use;
 * it exits with the driver).
 *
 * @example
 * const batch = await holdSlowClients(`${ctx.url}/webhooks`, 300)
 * await batch.sending
 * const reads = await batch.closed
 */
export async function holdSlowClients(url: string, connections: number): Promise<SlowBatch> {
  holder ??= start()
  const child = await holder
  const id = ++nonce
  child.ref()
  child.channel?.ref()
  let sent = () => {}
  const sending = new Promise<void>((resolve) => {
    sent = resolve
  })
  const closed = new Promise<SlowRead[]>((resolve, reject) => {
    const done = () => {
      child.off('message', listen)
      child.off('exit', exited)
      // Idle, the process must not keep the driver alive.
      child.unref()
      child.channel?.unref()
      // A batch that closed before all were sending (a refused connection) is done sending too.
      sent()
    }
    const listen = (message: FromHolder) => {
      if (!('nonce' in message) || message.nonce !== id) return
      if (message.type === 'held') return sent()
      done()
      resolve(message.reads)
    }
    const exited = () => {
      done()
      reject(new Error('the slow-client process exited while holding'))
    }
    child.on('message', listen)
    child.on('exit', exited)
  })
  child.send({ nonce: id, url, connections } satisfies ToHolder)
  return { sending, closed }
}
