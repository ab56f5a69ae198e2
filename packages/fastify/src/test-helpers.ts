import { createHmac } from 'node:crypto'
import fastify5 from 'fastify'
import fastify4 from 'fastify4'

export const SECRET = 'whsec_fastify_adapter_test_secret'
export const OTHER_SECRET = 'whsec_fastify_adapter_other_secret'
export const NOW = new Date('2026-11-28T12:00:00Z')
export const NOW_S = Math.floor(NOW.getTime() / 1000)
export const MiB = 1024 * 1024

export type FastifyFactory = typeof fastify5

/** Both supported majors; suites run once per entry with `describe.each`. */
export const versions = [
  { name: 'fastify 5', major: '5', fastify: fastify5 },
  // Fastify 4's types are their own module; at runtime the API used here is the same.
  { name: 'fastify 4', major: '4', fastify: fastify4 as unknown as FastifyFactory },
] as const

export const event = {
  id: 'evt_fastify_1',
  type: 'order.created',
  created: 1764331200,
  apiVersion: '2026-11-01',
  data: { object: { id: 'ord_1', total: 4200 } },
}
export const body = JSON.stringify(event)

/** The signature headers for `payload`, computed with node:crypto rather than hookguard. */
export function signed(
  payload: string | Uint8Array,
  options: { secret?: string; timestamp?: number | string } = {},
): Record<string, string> {
  const timestamp = String(options.timestamp ?? NOW_S)
  const hex = createHmac('sha256', options.secret ?? SECRET)
    .update(`${timestamp}.`)
    .update(payload)
    .digest('hex')
  return { 'x-webhook-timestamp': timestamp, 'x-webhook-signature': `v1=${hex}` }
}

/** Slack's signature headers: `v0=` HMAC of `v0:${timestamp}:${body}`, computed with node:crypto. */
export function slackSigned(payload: string, secret = SECRET): Record<string, string> {
  const hex = createHmac('sha256', secret).update(`v0:${NOW_S}:${payload}`).digest('hex')
  return { 'x-slack-request-timestamp': String(NOW_S), 'x-slack-signature': `v0=${hex}` }
}

/** Signed headers plus a JSON content type. */
export function signedJson(
  payload: string | Uint8Array,
  options: { secret?: string; timestamp?: number | string } = {},
): Record<string, string> {
  return { ...signed(payload, options), 'content-type': 'application/json' }
}

/** A body of `size` bytes that `maxBodyBytes` limits apply to (its content is never parsed). */
export const bytes = (size: number) => 'x'.repeat(size)
