// Child process for the processing group: one adapter's server with two routes that differ only in
// what happens after verification. `/verify` is the adapter with `{ secret }` (the route's own
// handler answers), `/process` the same adapter with `on` handlers and a MemoryIdempotencyStore
// (the adapter claims the event, answers 200 and runs the no-op handler after the answer).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { MemoryIdempotencyStore } from '@hookguard/core'
import { webhook as expressWebhook } from '@hookguard/express'
import { hookguard as fastifyHookguard } from '@hookguard/fastify'
import { webhook as honoWebhook } from '@hookguard/hono'
import { webhookHandler as nodeHandler } from '@hookguard/node'
import { webhookHandler as webHandler } from '@hookguard/web'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'

export type ProcessingFramework = 'express' | 'fastify' | 'hono' | 'node' | 'web'

interface Event {
  id: string
}

/** The processing route's options: a no-op handler for every type, the in-memory store. */
const processing = () => ({ on: { '*': () => {} }, store: new MemoryIdempotencyStore() })

function listening(server: ReturnType<typeof createServer>): Promise<AddressInfo> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo))
  })
}

async function startExpress(secret: string): Promise<AddressInfo> {
  const app = express()
  app.post('/verify', expressWebhook<Event>({ secret }), (req, res) => {
    res.json({ received: true, id: (req.webhook as Event).id })
  })
  app.post('/process', expressWebhook<Event>({ secret, ...processing() }))
  return listening(createServer(app))
}

async function startFastify(secret: string): Promise<AddressInfo> {
  const app = Fastify({ logger: false })
  await app.register(async (scope) => {
    await scope.register(fastifyHookguard, { secret })
    scope.post('/verify', async (request) => ({
      received: true,
      id: (request.webhook as Event).id,
    }))
  })
  await app.register(async (scope) => {
    await scope.register(fastifyHookguard, { secret, ...processing() })
    scope.post('/process', async () => {}) // never reached: the plugin answers
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app.server.address() as AddressInfo
}

async function startHono(secret: string): Promise<AddressInfo> {
  const app = new Hono()
  app.post('/verify', honoWebhook<Event>({ secret }), (c) =>
    c.json({ received: true, id: c.get('webhook').id }),
  )
  app.post('/process', honoWebhook<Event>({ secret, ...processing() }))
  return new Promise((resolve) => {
    serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve)
  })
}

async function startNode(secret: string): Promise<AddressInfo> {
  const verify = nodeHandler<Event>({
    secret,
    handler: (event, _req, res) => {
      const text = JSON.stringify({ received: true, id: event.id })
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      })
      res.end(text)
    },
  })
  const process = nodeHandler<Event>({ secret, ...processing() })
  return listening(
    createServer((req, res) => void (req.url === '/process' ? process : verify)(req, res)),
  )
}

/** The fetch handler on Node through @hono/node-server's Request/Response bridge. */
async function startWeb(secret: string): Promise<AddressInfo> {
  const verify = webHandler<Event>({
    secret,
    handler: (event) => Response.json({ received: true, id: event.id }),
  })
  const process = webHandler<Event>({ secret, ...processing() })
  return new Promise((resolve) => {
    serve(
      {
        fetch: (request) => (request.url.endsWith('/process') ? process : verify)(request),
        port: 0,
        hostname: '127.0.0.1',
      },
      resolve,
    )
  })
}

const start = {
  express: startExpress,
  fastify: startFastify,
  hono: startHono,
  node: startNode,
  web: startWeb,
}

if (process.send) {
  const [framework, secret] = process.argv.slice(2) as [ProcessingFramework, string]
  process.on('disconnect', () => process.exit(0))
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() })
  })
  const address = await start[framework](secret)
  process.send({ port: address.port })
}
