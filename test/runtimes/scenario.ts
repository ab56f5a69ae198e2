import { createHmac } from 'node:crypto'
import { expect, it } from 'vitest'

export const SECRET = 'whsec_runtime_scenario'
/** The fixture app's limit (`maxBodyBytes: 4096`). */
const LIMIT = 4096

/** What a runtime answers; Miniflare's Response and the global one both fit. */
export interface RuntimeResponse {
  status: number
  json(): Promise<unknown>
}
export type Send = (path: string, init?: RequestInit) => Promise<RuntimeResponse>

const event = {
  id: 'evt_runtime_1',
  type: 'order.created',
  created: 1_764_331_200,
  apiVersion: '2026-11-01',
  data: { object: { id: 'ord_1', amount: 4200, note: 'crème brûlée ☕' } },
}
const body = JSON.stringify(event)

/** Signed with node:crypto, not with hookguard, at the current time (the runtimes use their clock). */
function headers(signedBody: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000)
  const hmac = createHmac('sha256', SECRET).update(`${timestamp}.${signedBody}`).digest('hex')
  return {
    'content-type': 'application/json',
    'x-webhook-timestamp': String(timestamp),
    'x-webhook-signature': `v1=${hmac}`,
  }
}

function chunked(total: number): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close()
      sent += 1024
      controller.enqueue(new Uint8Array(1024).fill(0x20))
    },
  })
}

/**
 * The signed-request scenario every runtime runs: valid → 200 with the event and the exact body,
 * tampered → 401, oversized (declared or streamed) → 413, and still serving afterwards.
 * `runtime` is what the app reports about itself, checked against the version under test.
 */
export function signedRequestScenario(send: () => Send, runtime: () => string, prefix = '') {
  const at = prefix ? ` (${prefix})` : ''
  it(`verifies a signed webhook and hands the handler the event and the exact body${at}`, async () => {
    const response = await send()(`${prefix}/webhooks`, {
      method: 'POST',
      body,
      headers: headers(body),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      runtime: runtime(),
      event,
      text: body,
      bytes: new TextEncoder().encode(body).byteLength,
      json: event,
    })
  })

  it(`rejects a tampered body with 401 INVALID_SIGNATURE${at}`, async () => {
    const tampered = body.replace('4200', '1')
    const response = await send()(`${prefix}/webhooks`, {
      method: 'POST',
      body: tampered,
      headers: headers(body),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'INVALID_SIGNATURE' })
  })

  it(`refuses a body over maxBodyBytes with 413 PAYLOAD_TOO_LARGE${at}`, async () => {
    const large = JSON.stringify({ ...event, padding: 'x'.repeat(2 * LIMIT) })
    const response = await send()(`${prefix}/webhooks`, {
      method: 'POST',
      body: large,
      headers: headers(large),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
  })

  it(`refuses a streamed body without Content-Length once it passes the limit (413)${at}`, async () => {
    const response = await send()(`${prefix}/webhooks`, {
      method: 'POST',
      body: chunked(2 * LIMIT),
      duplex: 'half',
      headers: headers(body),
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
  })

  it(`acknowledges an event for on handlers first, then processes it once${at}`, async () => {
    const processedEvent = { ...event, id: 'evt_runtime_processed' }
    const processedBody = JSON.stringify(processedEvent)
    const init = () => ({ method: 'POST', body: processedBody, headers: headers(processedBody) })
    const response = await send()(`${prefix}/processed-webhooks`, init())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: true })
    const deadline = Date.now() + 5_000
    let processed: unknown = []
    while (Date.now() < deadline) {
      processed = await (await send()(`${prefix}/processed`)).json()
      if (Array.isArray(processed) && processed.length > 0) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(processed).toEqual(['evt_runtime_processed'])
    const duplicate = await send()(`${prefix}/processed-webhooks`, init())
    expect(await duplicate.json()).toEqual({ received: true, duplicate: true })
  })

  it(`keeps serving after the rejections${at}`, async () => {
    const response = await send()(`${prefix}/webhooks`, {
      method: 'POST',
      body,
      headers: headers(body),
    })
    expect(response.status).toBe(200)
  })
}
