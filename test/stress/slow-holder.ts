/**
 * The `pnpm stress` slow-client process: opens the slow connections the driver asks for and
 * trickles their bodies (a write per connection every 100 ms: 3,000 a second for 300), so that
 * work runs apart from the process that times the valid requests. Loopback only: it connects to
 * the URL the driver gives, a receiver it started.
 */
import { slowClient } from '../support/slow.js'
import type { FromHolder, ToHolder } from './slow-clients.js'

const send = (message: FromHolder) => process.send?.(message)

// Never outlive the driver.
process.on('disconnect', () => process.exit(0))

process.on('message', async ({ nonce, url, connections }: ToHolder) => {
  let sending = 0
  const onSending = () => {
    if (++sending === connections) send({ type: 'held', nonce })
  }
  const reads = await Promise.all(
    Array.from({ length: connections }, () => slowClient(url, { onSending })),
  )
  send({ type: 'closed', nonce, reads })
})

send({ type: 'ready' })
