import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import autocannon from 'autocannon'

/** Concurrent connections of every HTTP run (no pipelining: senders send one request at a time). */
export const CONNECTIONS = 32

/**
 * Forks a bench server script (`./http-servers.ts` and the like) with `args`, and resolves with
 * the port it sends once it listens; rejects if it exits first.
 */
export async function startServer(
  script: URL,
  args: string[],
  label: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(script, args)
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${label} server exited with ${code} before listening`)
    }),
  ])) as [{ port: number }]
  return { child, port: message.port }
}

/** The server's CPU time so far (user + system), in microseconds. */
export async function serverCpu(child: ChildProcess): Promise<number> {
  const reply = once(child, 'message') as Promise<[{ cpu: NodeJS.CpuUsage }]>
  child.send('cpu')
  const [{ cpu }] = await reply
  return cpu.user + cpu.system
}

/**
 * One autocannon run of `seconds` against the server on `port`; its 2xx answers per second.
 * Anything but 200s throws: such a run measured something else (a duplicate, a 409, a 503, a
 * refused signature).
 */
export async function measureLoad(run: {
  port: number
  requests: autocannon.Request[]
  seconds: number
  label: string
}): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${run.port}`,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: run.seconds,
    requests: run.requests,
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${run.label}: ${result.non2xx} non-2xx responses and ${result.errors} errors of ${result.requests.total}`,
    )
  }
  return result['2xx'] / result.duration
}
