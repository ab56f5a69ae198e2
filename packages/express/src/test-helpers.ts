import { sign } from '@hookguard/core'
import express5 from 'express'
import express4 from 'express4'

export const SECRET = 'whsec_express_adapter_test_secret'
export const MiB = 1024 * 1024

/** Both supported majors; suites run once per entry with `describe.each`. */
export const versions = [
  { name: 'express 5', express: express5 },
  { name: 'express 4', express: express4 },
] as const

export type ExpressModule = typeof express5

export const event = {
  id: 'evt_express_1',
  type: 'order.created',
  created: 1764331200,
  apiVersion: '2026-11-01',
  data: { object: { id: 'ord_1', total: 4200 } },
}
export const body = JSON.stringify(event)

/** The headers a sender attaches for `payload` (plus a JSON content type). */
export async function signedHeaders(
  payload: string | Uint8Array,
  options: { secret?: string; timestamp?: number } = {},
): Promise<Record<string, string>> {
  const headers = await sign({ payload, secret: options.secret ?? SECRET, ...pick(options) })
  return { ...headers, 'content-type': 'application/json' }
}

function pick(options: { timestamp?: number }): { timestamp?: number } {
  return options.timestamp === undefined ? {} : { timestamp: options.timestamp }
}
