import { generateKeyPairSync, sign as signWithKey } from 'node:crypto'
import { sign, verify } from '@hookguard/core'
import { EventWebhook } from '@sendgrid/eventwebhook'
import { verifyKey } from 'discord-interactions'
import { WebhooksHelper } from 'square'
import twilio from 'twilio'
import { eventBody } from './fixtures.js'
import { type Budget, interleave, timeRatio } from './measure.js'
import { formatRatio, formatTime, type Row, type Section } from './report.js'

const TARGET = 1

function row(
  family: string,
  label: string,
  timings: Record<'hookguard' | 'sdk', { ns: number; rounds: number[] }>,
): Row {
  const ratio = timeRatio(timings.hookguard, timings.sdk)
  return {
    case: `${family}, 1 KiB`,
    hookguard: formatTime(timings.hookguard.ns),
    baseline: label,
    baselineValue: formatTime(timings.sdk.ns),
    ratio: formatRatio(ratio, 'time'),
    target: `<= ${TARGET.toFixed(2)}x time`,
    met: ratio.median <= TARGET,
  }
}

/** A Twilio SMS callback of about 1 KiB, form-encoded as Twilio posts it. */
function twilioForm(): string {
  const fields = new URLSearchParams({
    AccountSid: `AC${'0'.repeat(32)}`,
    MessageSid: `SM${'1'.repeat(32)}`,
    From: '+14155550100',
    To: '+14155550199',
    Body: 'x'.repeat(800),
    NumMedia: '0',
  })
  return fields.toString()
}

/** Group: one row per new scheme family, against the sender's own SDK verifying the same request. */
export async function benchSchemeFamilies(budget: Budget): Promise<Section> {
  const rows: Row[] = []
  const now = Math.floor(Date.now() / 1000)

  // HMAC-SHA1 over URL + sorted form params. The SDK gets the params a body parser made, so the
  // parse is part of its side too: that is what a receiver using it does per request.
  {
    const secret = '12345678901234567890123456789012'
    const url = 'https://sms.example.com/twilio/sms'
    const payload = twilioForm()
    const signed = await sign({ scheme: 'twilio', payload, secret, url })
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...signed }
    const signature = signed['x-twilio-signature'] as string
    const timings = await interleave(
      {
        hookguard: () => verify({ scheme: 'twilio', payload, headers, secret, url }),
        sdk: () => {
          const params = Object.fromEntries(new URLSearchParams(payload))
          if (!twilio.validateRequest(secret, signature, url, params)) throw new Error('no match')
          return params
        },
      },
      budget,
    )
    rows.push(row('twilio (HMAC-SHA1, URL + form)', 'twilio validateRequest + form parse', timings))
  }

  // URL-signing HMAC-SHA256 (URL + body).
  {
    const secret = 'sq0wss-signature-key-0123456789'
    const url = 'https://shop.example.com/square/webhooks'
    const payload = eventBody(1024).toString('utf8')
    const headers = await sign({ scheme: 'square', payload, secret, url })
    const signatureHeader = headers['x-square-hmacsha256-signature'] as string
    const timings = await interleave(
      {
        hookguard: () => verify({ scheme: 'square', payload, headers, secret, url }),
        sdk: async () => {
          const ok = await WebhooksHelper.verifySignature({
            requestBody: payload,
            signatureHeader,
            signatureKey: secret,
            notificationUrl: url,
          })
          if (!ok) throw new Error('no match')
          return JSON.parse(payload)
        },
      },
      budget,
    )
    rows.push(
      row('square (URL + body)', 'square WebhooksHelper.verifySignature + JSON.parse', timings),
    )
  }

  // Ed25519 (Discord interactions).
  {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const publicHex = Buffer.from(
      publicKey.export({ format: 'jwk' }).x as string,
      'base64url',
    ).toString('hex')
    const payload = eventBody(1024).toString('utf8')
    const timestamp = String(now)
    const signature = signWithKey(null, Buffer.from(timestamp + payload), privateKey).toString(
      'hex',
    )
    const headers = { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp }
    const timings = await interleave(
      {
        hookguard: () => verify({ scheme: 'discord', payload, headers, secret: publicHex }),
        sdk: async () => {
          if (!(await verifyKey(payload, signature, timestamp, publicHex))) throw new Error('no')
          return JSON.parse(payload)
        },
      },
      budget,
    )
    rows.push(row('discord (Ed25519)', 'discord-interactions verifyKey + JSON.parse', timings))
  }

  // ECDSA P-256 (SendGrid Event Webhook); SendGrid posts a batch, a JSON array.
  {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const publicBase64 = publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
    const payload = JSON.stringify([JSON.parse(eventBody(1024).toString('utf8'))])
    const timestamp = String(now)
    const signature = signWithKey('sha256', Buffer.from(timestamp + payload), privateKey).toString(
      'base64',
    )
    const headers = {
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    }
    const sdk = new EventWebhook()
    const timings = await interleave(
      {
        hookguard: () => verify({ scheme: 'sendgrid', payload, headers, secret: publicBase64 }),
        sdk: () => {
          // The SDK's documented use: convert the dashboard's key, then verify.
          const key = sdk.convertPublicKeyToECDSA(publicBase64)
          if (!sdk.verifySignature(key, payload, signature, timestamp)) throw new Error('no')
          return JSON.parse(payload)
        },
      },
      budget,
    )
    rows.push(
      row('sendgrid (ECDSA P-256)', '@sendgrid/eventwebhook verifySignature + JSON.parse', timings),
    )
  }

  return {
    title: '9. New scheme families against the senders’ SDKs',
    method:
      'One request per family at about 1 KiB, verified by hookguard and by the sender’s own SDK ' +
      'in alternating rounds in one process: Twilio `validateRequest` (HMAC-SHA1 over the URL and ' +
      'the sorted form parameters; its side includes parsing the form, as a body parser would), ' +
      'Square `WebhooksHelper.verifySignature` (HMAC-SHA256 over URL + body), ' +
      'discord-interactions `verifyKey` (Ed25519) and `@sendgrid/eventwebhook` `verifySignature` ' +
      '(ECDSA P-256; the SDK side converts the key each time, as its README shows). Both sides ' +
      'parse the body. Median time per operation, ratio = median of per-round ratios.',
    rows,
    notes: [],
  }
}
