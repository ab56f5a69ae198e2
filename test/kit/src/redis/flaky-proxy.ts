import { type AddressInfo, createServer, type Socket, connect as tcpConnect } from 'node:net'
import { redisUrl } from './target.js'

/** A TCP proxy that can stall traffic or lose a reply; see `flakyProxy`. */
export interface FlakyProxy {
  port: number
  /** Stop forwarding to Redis; what the client sends waits, in order. */
  hold(): void
  /** Forward what waited, then everything again. */
  open(): void
  /** Swallow Redis's next reply and cut that client's connection. */
  dropNextReply(): void
  close(): Promise<void>
}

/**
 * A TCP proxy in front of the test Redis (or `target`) that can stall traffic or lose a reply,
 * to reproduce what a network partition does to commands in flight.
 *
 * @example
 * const proxy = await flakyProxy()
 * const client = connect({ port: proxy.port })
 * proxy.hold() // commands now wait
 */
export async function flakyProxy(target = new URL(redisUrl())): Promise<FlakyProxy> {
  let holding = false
  let dropNextReply = false
  const held: Array<() => void> = []
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 6379), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      // A cut connection is what these tests provoke; its errors are expected, not failures.
      socket.on('error', () => {})
      socket.on('close', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.on('data', (chunk) => {
      if (holding) held.push(() => upstream.write(chunk))
      else upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (!dropNextReply) return void client.write(chunk)
      // Redis ran the command; the client never hears back and sees the connection drop.
      dropNextReply = false
      client.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    hold: () => {
      holding = true
    },
    open: () => {
      holding = false
      for (const write of held.splice(0)) write()
    },
    dropNextReply: () => {
      dropNextReply = true
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
