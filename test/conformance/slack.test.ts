import { createHmac } from 'node:crypto'
import { sign, verify, verifyWebhook } from '@hookguard/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'

// The worked example on api.slack.com "Verifying requests from Slack"
// (https://api.slack.com/authentication/verifying-requests-from-slack, now
// https://docs.slack.dev/authentication/verifying-requests-from-slack).
const EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
}
const scheme = 'slack' as const
const at = new Date(Number(EXAMPLE.timestamp) * 1000)
const exampleHeaders = {
  'x-slack-request-timestamp': EXAMPLE.timestamp,
  'x-slack-signature': EXAMPLE.signature,
  'content-type': 'application/x-www-form-urlencoded',
}

describe('slack: the documented example', () => {
  it('verifies and resolves the slash command to its decoded fields', async () => {
    const result = await verifyWebhook({
      scheme,
      secret: EXAMPLE.secret,
      payload: EXAMPLE.body,
      headers: exampleHeaders,
      now: at,
    })
    expect(result.event).toMatchObject({
      command: '/webhook-collect',
      text: '',
      user_name: 'roadrunner',
      response_url:
        'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
    })
    expect(result.id).toBe('398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c')
    expect(result.type).toBe('slash_command.webhook-collect')
  })

  it('sign() reproduces the documented signature', async () => {
    const headers = await sign({
      scheme,
      secret: EXAMPLE.secret,
      payload: EXAMPLE.body,
      timestamp: Number(EXAMPLE.timestamp),
    })
    expect(headers['x-slack-signature']).toBe(EXAMPLE.signature)
  })

  it.each([
    ['a wrong secret', { secret: 'x' }, {}, 'INVALID_SIGNATURE'],
    [
      'a tampered body',
      { payload: EXAMPLE.body.replace('roadrunner', 'coyote') },
      {},
      'INVALID_SIGNATURE',
    ],
    ['the request 301 s later', { now: new Date(at.getTime() + 301_000) }, {}, 'TIMESTAMP_EXPIRED'],
    ['a clock 301 s behind', { now: new Date(at.getTime() - 301_000) }, {}, 'TIMESTAMP_EXPIRED'],
    ['no timestamp header', {}, { 'x-slack-request-timestamp': undefined }, 'MISSING_HEADER'],
    ['no signature header', {}, { 'x-slack-signature': undefined }, 'MISSING_HEADER'],
    [
      'a signature without v0=',
      {},
      { 'x-slack-signature': EXAMPLE.signature.slice(3) },
      'INVALID_SIGNATURE',
    ],
  ])('rejects %s', async (_name, options, headerOverrides, code) => {
    const error = await verify({
      scheme,
      secret: EXAMPLE.secret,
      payload: EXAMPLE.body,
      headers: { ...exampleHeaders, ...headerOverrides },
      now: at,
      ...options,
    }).catch((e: { code?: string }) => e)
    expect((error as { code?: string }).code).toBe(code)
  })
})

describe('slack: against the documented algorithm', () => {
  // Slack publishes no library for this, so the reference is its recipe, computed with node:crypto.
  const reference = (secret: string, ts: number, body: string) =>
    `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`

  it('reference-signed JSON bodies verify; hookguard signatures equal the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        jsonBody,
        fc.stringMatching(/^[0-9a-f]{32}$/),
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        async (body, secret, ts) => {
          const headers = {
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': reference(secret, ts, body),
            'content-type': 'application/json',
          }
          expect(
            await verify({ scheme, secret, payload: body, headers, now: new Date(ts * 1000) }),
          ).toEqual(JSON.parse(body))
          const signed = await sign({ scheme, secret, payload: body, timestamp: ts })
          expect(signed['x-slack-signature']).toBe(headers['x-slack-signature'])
        },
      ),
      { numRuns: 60 },
    )
  })
})
