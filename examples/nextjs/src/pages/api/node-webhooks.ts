import type { IncomingMessage, ServerResponse } from 'node:http'
import { webhookHandler } from '@hookguard/node'
import { fulfil, type OrderEvent, webhookSecret } from '../../orders'

// Next.js must not parse the body: hookguard verifies the exact bytes the sender signed.
export const config = { api: { bodyParser: false } }

let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined

export default function webhooks(req: IncomingMessage, res: ServerResponse): void {
  handle ??= webhookHandler<OrderEvent>({
    secret: webhookSecret(),
    on: { 'order.created': (event) => fulfil(event, 'pages-api') },
  })
  handle(req, res)
}
