// HubSpot v3 against @hubspot/api-client's Signature, which both signs (getSignature) and
// verifies (isValid): each side signs fast-check bodies and the other verifies, then the
// rejections beside the SDK's. The SDK reads the clock itself, so timestamps are current.
import { sign, verify, verifyWebhook } from '@hookguard/core'
import { OTHER_SECRET, SECRET } from '@hookguard/test-kit'
import { HubspotSignature } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'
import { codeOf } from './codes.js'

const scheme = 'hubspot' as const
const url = 'https://example.com/hubspot/webhooks?portal=62515'

/** HubSpot's own v3 signature for a request, as its SDK computes it. */
function sdkHeaders(requestBody: string, clientSecret = SECRET, timestamp = Date.now()) {
  const signature = HubspotSignature.getSignature('POST', 'v3', {
    signature: '',
    clientSecret,
    requestBody,
    url,
    timestamp,
  })
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) }
}

/** What the SDK says of a request: true, false, or the message it throws. */
function sdkVerdict(requestBody: string, headers: Record<string, string>): boolean | string {
  const timestamp = headers['x-hubspot-request-timestamp']
  try {
    return HubspotSignature.isValid({
      signatureVersion: 'v3',
      method: 'POST',
      signature: headers['x-hubspot-signature-v3'] ?? '',
      clientSecret: SECRET,
      requestBody,
      url,
      ...(timestamp === undefined ? {} : { timestamp: Number(timestamp) }),
    })
  } catch (error) {
    return (error as Error).message
  }
}

const batch = jsonBody.map((data) =>
  JSON.stringify([{ eventId: 1, subscriptionType: 'contact.creation', objectId: 123, data }]),
)

describe('hubspot v3: against @hubspot/api-client Signature', () => {
  it('the SDK signs → hookguard verifies', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (payload) => {
        const webhook = await verifyWebhook({
          scheme,
          secret: SECRET,
          url,
          payload,
          headers: sdkHeaders(payload),
        })
        expect(webhook.event).toEqual(JSON.parse(payload))
        expect(webhook.type).toBe('contact.creation')
      }),
      { numRuns: 25 },
    )
  })

  it("hookguard's sign() → the SDK's isValid accepts", async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (payload) => {
        const headers = await sign({ scheme, secret: SECRET, url, payload })
        expect(sdkVerdict(payload, headers)).toBe(true)
        expect(headers).toEqual(
          sdkHeaders(payload, SECRET, Number(headers['x-hubspot-request-timestamp'])),
        )
      }),
      { numRuns: 25 },
    )
  })
})

describe('hubspot v3: rejections, beside the SDK', () => {
  const payload = '[{"eventId":1,"subscriptionType":"contact.creation"}]'

  it('a tampered body, another secret, another URL', async () => {
    const headers = sdkHeaders(payload)
    const tampered = payload.replace('"eventId":1', '"eventId":2')
    expect(sdkVerdict(tampered, headers)).toBe(false)
    expect(await codeOf(verify({ scheme, secret: SECRET, url, payload: tampered, headers }))).toBe(
      'INVALID_SIGNATURE',
    )
    const other = sdkHeaders(payload, OTHER_SECRET)
    expect(sdkVerdict(payload, other)).toBe(false)
    expect(await codeOf(verify({ scheme, secret: SECRET, url, payload, headers: other }))).toBe(
      'INVALID_SIGNATURE',
    )
    expect(
      await codeOf(
        verify({
          scheme,
          secret: SECRET,
          url: `${url}&x=1`,
          payload,
          headers: sdkHeaders(payload),
        }),
      ),
    ).toBe('INVALID_SIGNATURE')
  })

  it('a timestamp more than 5 minutes old', async () => {
    const headers = sdkHeaders(payload, SECRET, Date.now() - 301_000)
    expect(sdkVerdict(payload, headers)).toBe('Timestamp is invalid, reject request')
    expect(await codeOf(verify({ scheme, secret: SECRET, url, payload, headers }))).toBe(
      'TIMESTAMP_EXPIRED',
    )
  })

  it('a missing signature or timestamp header', async () => {
    const headers = sdkHeaders(payload)
    for (const name of Object.keys(headers)) {
      const partial: Record<string, string> = { ...headers }
      delete partial[name]
      expect(await codeOf(verify({ scheme, secret: SECRET, url, payload, headers: partial }))).toBe(
        'MISSING_HEADER',
      )
    }
    expect(
      sdkVerdict(payload, {
        'x-hubspot-signature-v3': headers['x-hubspot-signature-v3'] as string,
      }),
    ).toBe('Timestamp is invalid, reject request')
  })
})
