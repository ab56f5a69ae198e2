// Handshakes answered by the receiver in each sender's format, never reaching handlers or the store.
import { createHmac } from 'node:crypto'
import { createReceiver } from '@hookguard/core/adapter'
import { metaScheme } from '@hookguard/core/scheme'
import { NOW, SECRET, signMeta, signSlack, signTwitch, signZoom } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'

function receiverFor(scheme: 'twitch' | 'zoom' | 'slack') {
  const ran: unknown[] = []
  const receiver = createReceiver({
    scheme,
    secret: SECRET,
    now: NOW,
    on: { '*': (event) => void ran.push(event) },
  })
  return { receiver, ran }
}

describe('twitch', () => {
  it('answers the verification challenge as plain text and a revocation with 200; runs nothing', async () => {
    const { receiver, ran } = receiverFor('twitch')
    const challenge = JSON.stringify({
      challenge: 'pogchamp-kappa-360noscope',
      subscription: { type: 'channel.follow' },
    })
    const verification = await receiver.receive({
      payload: challenge,
      headers: signTwitch(challenge, { type: 'webhook_callback_verification' }),
    })
    expect(verification).toMatchObject({
      status: 200,
      body: 'pogchamp-kappa-360noscope',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    })
    const revoked = JSON.stringify({
      subscription: { type: 'channel.follow', status: 'authorization_revoked' },
    })
    const revocation = await receiver.receive({
      payload: revoked,
      headers: signTwitch(revoked, { type: 'revocation', id: 'r-1' }),
    })
    expect(revocation).toMatchObject({ status: 200 })
    expect(ran).toEqual([])
    await receiver.close()
  })

  it('a notification runs, keyed by the message id and typed by the subscription', async () => {
    const { receiver } = receiverFor('twitch')
    const body = JSON.stringify({ subscription: { type: 'channel.follow' }, event: {} })
    const outcome = await receiver.receive({ payload: body, headers: signTwitch(body) })
    expect(outcome).toMatchObject({
      status: 200,
      webhook: { id: 'e76c6bd4-55c9-4987-8304-da1588d8988b', type: 'channel.follow' },
    })
    await receiver.close()
  })
})

describe('zoom', () => {
  it('answers endpoint.url_validation with plainToken and its HMAC', async () => {
    const { receiver, ran } = receiverFor('zoom')
    const body = JSON.stringify({
      event: 'endpoint.url_validation',
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
    })
    const outcome = await receiver.receive({ payload: body, headers: signZoom(body) })
    const encryptedToken = createHmac('sha256', SECRET)
      .update('qgg8vlvZRS6UYooatFL8Aw')
      .digest('hex')
    expect(outcome).toMatchObject({
      status: 200,
      body: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken },
    })
    expect(ran).toEqual([])
  })
})

describe('meta', () => {
  const url = (query: string) => `https://example.com/meta?${query}`

  it('answers the GET subscription check with hub.challenge when the verify token matches', async () => {
    const receiver = createReceiver({ scheme: metaScheme({ verifyToken: 'tok' }), secret: SECRET })
    const ok = await receiver.receive({
      payload: '',
      headers: {},
      method: 'GET',
      url: url('hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444'),
    })
    expect(ok).toMatchObject({ status: 200, body: '1158201444' })
    const wrong = await receiver.receive({
      payload: '',
      headers: {},
      method: 'GET',
      url: url('hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1'),
    })
    expect(wrong).toMatchObject({ status: 403 })
    // Events still need the signature.
    const event = '{"object":"page","entry":[]}'
    expect(await receiver.receive({ payload: event, headers: signMeta(event) })).toMatchObject({
      action: 'next',
    })
  })

  it("the bare 'meta' scheme refuses the check: no verify token configured", async () => {
    const receiver = createReceiver({ scheme: 'meta', secret: SECRET })
    const answer = await receiver.receive({
      payload: '',
      headers: {},
      method: 'GET',
      url: url('hub.mode=subscribe&hub.verify_token=&hub.challenge=1'),
    })
    expect(answer).toMatchObject({ status: 403 })
  })
})

describe('slack', () => {
  it('answers the ssl_check probe with an empty 200 after verifying it, as Bolt does', async () => {
    const { receiver, ran } = receiverFor('slack')
    const body = 'ssl_check=1&token=legacy'
    const headers = { ...signSlack(body), 'content-type': 'application/x-www-form-urlencoded' }
    expect(await receiver.receive({ payload: body, headers })).toMatchObject({
      status: 200,
      body: '',
    })
    expect(ran).toEqual([])
  })
})
