import { webhookHandler } from '@hookguard/web'
import { after } from 'next/server'
import { fulfil, type OrderEvent, webhookSecret } from '../../../orders'

// ack: 'before' (the default) answers 200 first; `after` keeps the function alive until the
// handler settles, on `next start` and on serverless hosts alike.
let handle: ((request: Request) => Promise<Response>) | undefined

export function POST(request: Request): Promise<Response> {
  handle ??= webhookHandler<OrderEvent>({
    secret: webhookSecret(),
    on: { 'order.created': (event) => fulfil(event, 'app-router') },
    waitUntil: after,
  })
  return handle(request)
}
