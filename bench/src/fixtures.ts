import { createHmac, randomBytes } from 'node:crypto'
import { sign } from '@hookguard/core'

/** 1 KiB and 64 KiB: a typical event and a large one (an order with many line items). */
export const SIZES = [1024, 64 * 1024] as const

export const kib = (bytes: number): string => `${bytes / 1024} KiB`

/**
 * A JSON event of exactly `bytes` bytes in the default scheme's shape: an order whose line items
 * fill the size, with a final padding field to hit it exactly.
 */
export function eventBody(bytes: number, id = 'evt_1'): Buffer {
  const items: Array<{ sku: string; name: string; quantity: number; price: number }> = []
  const event = {
    id,
    type: 'order.created',
    created: 1_764_331_200,
    apiVersion: '2026-01-01',
    data: { object: { id: 'ord_1', currency: 'eur', items }, pad: '' },
  }
  const size = () => Buffer.byteLength(JSON.stringify(event))
  while (size() < bytes - 80) {
    const n = items.length + 1
    items.push({ sku: `SKU-${n}`, name: `Item number ${n}`, quantity: n % 7, price: n * 101 })
  }
  event.data.pad = 'x'.repeat(bytes - size())
  const body = Buffer.from(JSON.stringify(event))
  if (body.byteLength !== bytes)
    throw new Error(`fixture is ${body.byteLength} bytes, not ${bytes}`)
  return body
}

/** A random secret of the shape each sender uses. */
export const secrets = {
  hookguard: randomBytes(24).toString('base64url'),
  standardWebhooks: `whsec_${randomBytes(24).toString('base64')}`,
  stripe: `whsec_${randomBytes(24).toString('hex')}`,
  github: randomBytes(20).toString('hex'),
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/** Headers for `body` signed now with the default scheme (the client adds `content-length`). */
export async function signedHeaders(
  body: Uint8Array,
  secret = secrets.hookguard,
): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    ...(await sign({ payload: body, secret })),
  }
}

/** `body` signed now with the default scheme, synchronously (node:crypto): for autocannon's per-request setup. */
export function signedNow(body: string): { body: string; headers: Record<string, string> } {
  const timestamp = String(nowSeconds())
  const hex = createHmac('sha256', secrets.hookguard).update(`${timestamp}.${body}`).digest('hex')
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-webhook-timestamp': timestamp,
      'x-webhook-signature': `v1=${hex}`,
    },
  }
}
