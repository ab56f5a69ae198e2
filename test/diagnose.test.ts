// `diagnose: true` through each adapter over a real socket: the cause of a failed signature goes
// to the logger, and the HTTP answer stays the stable `{ error, code }`.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { LogFields, Logger } from '@hookguard/core'
import { webhook as expressWebhook } from '@hookguard/express'
import { hookguard } from '@hookguard/fastify'
import { webhook as honoWebhook } from '@hookguard/hono'
import { webhookHandler } from '@hookguard/node'
import { eventBody, SECRET, signHookguard } from '@hookguard/test-kit'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'

const closers: Array<() => Promise<unknown>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

function recordingLogger() {
  const lines: LogFields[] = []
  const logger: Logger = {
    warn: (fields) => void lines.push(fields),
    error: (fields) => void lines.push(fields),
  }
  return { lines, logger }
}

function listening(server: Server): Promise<string> {
  closers.push(() => new Promise((resolve) => server.close(resolve)))
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    })
  })
}

type Start = (logger: Logger) => Promise<string>

const adapters: Record<string, Start> = {
  express: (logger) => {
    const app = express()
    app.post('/webhooks', expressWebhook({ secret: SECRET, diagnose: true, logger }), (_q, s) => {
      s.json({ ok: true })
    })
    return listening(createServer(app))
  },
  fastify: async (logger) => {
    const app = Fastify()
    await app.register(async (scope) => {
      await scope.register(hookguard, { secret: SECRET, diagnose: true, logger })
      scope.post('/webhooks', async () => ({ ok: true }))
    })
    closers.push(() => app.close())
    return app.listen({ port: 0, host: '127.0.0.1' })
  },
  hono: (logger) => {
    const app = new Hono()
    app.post('/webhooks', honoWebhook({ secret: SECRET, diagnose: true, logger }), (c) =>
      c.json({ ok: true }),
    )
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve(`http://127.0.0.1:${info.port}`),
      )
      closers.push(() => new Promise((done) => server.close(done)))
    })
  },
  node: (logger) => {
    const handle = webhookHandler({
      secret: SECRET,
      diagnose: true,
      logger,
      handler: (_event, _req, res) => void res.end('{"ok":true}'),
    })
    return listening(createServer((req, res) => handle(req, res)))
  },
}

describe.each(Object.entries(adapters))('%s with diagnose: true', (_name, start) => {
  it('logs why a re-serialised body fails, and answers only { error, code }', async () => {
    const { lines, logger } = recordingLogger()
    const base = await start(logger)
    const sent = eventBody('evt_diag_1')
    const parsedAndReserialised = JSON.stringify(JSON.parse(sent), null, 2)
    const now = Math.floor(Date.now() / 1000)
    const response = await fetch(`${base}/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signHookguard(sent, { timestamp: now }) },
      body: parsedAndReserialised,
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: expect.any(String),
      code: 'INVALID_SIGNATURE',
    })
    for (let i = 0; i < 200 && lines.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(lines).toEqual([
      expect.objectContaining({ code: 'SIGNATURE_DIAGNOSIS', finding: 'BODY_RESERIALIZED' }),
    ])
    expect(JSON.stringify(lines)).not.toContain(SECRET)
  })
})
