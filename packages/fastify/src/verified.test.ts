import { Readable } from 'node:stream'
import { hookguardScheme } from '@hookguard/core/scheme'
import { BODY, bytes, EVENT, OTHER_SECRET, signHookguard, signSlack } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { harness, post, signedJson, versions } from './test-harness.js'

describe.each(versions)('$name', ({ fastify, major }) => {
  const { build } = harness(fastify)

  describe('verified requests', () => {
    it('sets request.webhook and request.body to the event of a signed JSON body', async () => {
      const { app, calls } = await build()
      const res = await post(app, '/webhooks', BODY, signedJson(BODY))
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({
        event: EVENT,
        bodyIsEvent: true,
        contentType: 'application/json',
      })
      expect(calls.webhook).toBe(1)
    })

    it('verifies the bytes exactly as sent: BOM, odd spacing, key order, non-ASCII', async () => {
      const { app } = await build()
      const raw = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('{ "type" : "order.created",\n  "id":"evt_ü_1", "data": {"object": {}} }'),
      ])
      const res = await post(app, '/webhooks', raw, {
        ...signHookguard(raw),
        'content-type': 'application/json; charset=utf-8',
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toEqual({
        type: 'order.created',
        id: 'evt_ü_1',
        data: { object: {} },
      })
    })

    it("verifies Slack's form-encoded slash commands and interactions without a 415", async () => {
      const { app, calls } = await build({ scheme: 'slack' })
      const command = 'command=%2Fdeploy&text=api+v2%21&team_id=T1&trigger_id=tr.1'
      const interaction = `payload=${encodeURIComponent('{"type":"block_actions","trigger_id":"tr.2"}')}`
      const results = []
      for (const form of [command, interaction]) {
        const res = await post(app, '/webhooks', form, {
          ...signSlack(form),
          'content-type': 'application/x-www-form-urlencoded',
        })
        expect(res.statusCode).toBe(200)
        results.push(res.json())
      }
      expect(results).toEqual([
        {
          event: { command: '/deploy', text: 'api v2!', team_id: 'T1', trigger_id: 'tr.1' },
          bodyIsEvent: true,
          contentType: 'application/x-www-form-urlencoded',
        },
        {
          event: { payload: { type: 'block_actions', trigger_id: 'tr.2' } },
          bodyIsEvent: true,
          contentType: 'application/x-www-form-urlencoded',
        },
      ])
      expect(calls.webhook).toBe(2)
      const forged = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: command,
        headers: {
          ...signSlack(command, { secret: OTHER_SECRET }),
          'content-type': 'application/x-www-form-urlencoded',
        },
      })
      expect(forged.json().code).toBe('INVALID_SIGNATURE')
    })

    it("answers Slack's url_verification handshake itself, without the handler", async () => {
      const { app, calls } = await build({ scheme: 'slack' })
      const handshake = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' })
      const res = await post(app, '/webhooks', handshake, {
        ...signSlack(handshake),
        'content-type': 'application/json',
      })
      expect([res.statusCode, res.json()]).toEqual([200, { challenge: 'c-123' }])
      expect(calls.webhook).toBe(0)
    })

    it('accepts a JSON body labelled form-encoded, which Fastify alone would refuse', async () => {
      const { app } = await build()
      const res = await post(app, '/webhooks', BODY, {
        ...signHookguard(BODY),
        'content-type': 'application/x-www-form-urlencoded',
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toEqual(EVENT)
    })

    it('accepts a body with no content type at all', async () => {
      const { app } = await build()
      const res = await post(app, '/webhooks', BODY, signHookguard(BODY))
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ event: EVENT, bodyIsEvent: true, contentType: null })
    })

    it('accepts an unusual content type', async () => {
      const { app } = await build()
      for (const type of ['text/xml', 'application/octet-stream', 'application/vnd.x+json; v=2']) {
        const res = await post(app, '/webhooks', BODY, {
          ...signHookguard(BODY),
          'content-type': type,
        })
        expect(res.statusCode, type).toBe(200)
        expect(res.json().contentType).toBe(type)
      }
    })

    it('leaves a malformed content type to Fastify: 415 on Fastify 5, verified on 4', async () => {
      const { app, calls } = await build()
      const res = await post(app, '/webhooks', BODY, {
        ...signHookguard(BODY),
        'content-type': 'not a media type;;',
      })
      // Fastify 5 refuses a header that is no media type before any parser runs.
      expect(res.statusCode).toBe(major === '5' ? 415 : 200)
      expect(calls.webhook).toBe(major === '5' ? 0 : 1)
    })

    it('reads a chunked body (no Content-Length)', async () => {
      const { app } = await build()
      const chunks = [BODY.slice(0, 10), BODY.slice(10, 40), BODY.slice(40)]
      const res = await post(
        app,
        '/webhooks',
        Readable.from(chunks.map((chunk) => Buffer.from(chunk))),
        signedJson(BODY),
      )
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toEqual(EVENT)
    })

    it('accepts a body of exactly maxBodyBytes', async () => {
      const { app } = await build({ scheme: { ...hookguardScheme, parse: (text) => text.length } })
      const raw = bytes(1024)
      const res = await post(app, '/small', raw, signHookguard(raw))
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toBe(1024)
    })

    it("enforces maxBodyBytes instead of Fastify's bodyLimit on webhook routes", async () => {
      const { app } = await build(
        { maxBodyBytes: 4096, scheme: { ...hookguardScheme, parse: (text) => text.length } },
        { bodyLimit: 1024 },
      )
      const raw = bytes(3000)
      const res = await post(app, '/webhooks', raw, {
        ...signHookguard(raw),
        'content-type': 'application/json',
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().event).toBe(3000)
    })
  })
})
