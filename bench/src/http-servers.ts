// Child process: one framework's server with two routes, the hookguard adapter and the same
// framework with a hand-written raw-body + HMAC route (or, for `node-github`, @octokit/webhooks'
// own node middleware). The parent drives both with autocannon.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { webhook as expressWebhook } from '@hookguard/express'
import { hookguard as fastifyHookguard } from '@hookguard/fastify'
import { webhook as honoWebhook } from '@hookguard/hono'
import { webhookHandler } from '@hookguard/node'
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { handWrittenVerify } from './verify-default.js'

export type Framework = 'express' | 'fastify' | 'hono' | 'node' | 'node-github'

interface Event {
  id: string
}

const idOf = (event: unknown) => (event as Event).id

async function startExpress(secret: string): Promise<AddressInfo> {
  const app = express()
  app.post('/hookguard', expressWebhook({ secret }), (req, res) => {
    res.json({ received: true, id: idOf(req.webhook) })
  })
  app.post('/baseline', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
    let event: unknown
    try {
      event = handWrittenVerify(req.body as Buffer, req.headers as Record<string, string>, secret)
    } catch {
      res.status(401).json({ error: 'invalid webhook' })
      return
    }
    res.json({ received: true, id: idOf(event) })
  })
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo))
  })
}

async function startFastify(secret: string): Promise<AddressInfo> {
  const app = Fastify({ logger: false })
  await app.register(async (webhooks) => {
    await webhooks.register(fastifyHookguard, { secret })
    webhooks.post('/hookguard', async (request) => ({ received: true, id: idOf(request.webhook) }))
  })
  await app.register(async (scope) => {
    // The usual raw-body recipe: in this scope every content type arrives as a Buffer.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body)
    })
    scope.post('/baseline', async (request, reply) => {
      let event: unknown
      try {
        event = handWrittenVerify(
          request.body as Buffer,
          request.headers as Record<string, string>,
          secret,
        )
      } catch {
        return reply.code(401).send({ error: 'invalid webhook' })
      }
      return { received: true, id: idOf(event) }
    })
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app.server.address() as AddressInfo
}

async function startHono(secret: string): Promise<AddressInfo> {
  const app = new Hono()
  app.post('/hookguard', honoWebhook<Event>({ secret }), (c) =>
    c.json({ received: true, id: c.get('webhook').id }),
  )
  app.post('/baseline', async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer())
    let event: unknown
    try {
      event = handWrittenVerify(
        body,
        {
          'x-webhook-timestamp': c.req.header('x-webhook-timestamp'),
          'x-webhook-signature': c.req.header('x-webhook-signature'),
        },
        secret,
      )
    } catch {
      return c.json({ error: 'invalid webhook' }, 401)
    }
    return c.json({ received: true, id: idOf(event) })
  })
  return new Promise((resolve) => {
    serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info))
  })
}

function listenNode(
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => unknown>,
): Promise<AddressInfo> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? '']
    if (route) return void route(req, res)
    res.writeHead(404).end()
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo))
  })
}

function answerJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

/** Plain node:http: @hookguard/node against the usual raw-body + createHmac route. */
async function startNode(secret: string): Promise<AddressInfo> {
  return listenNode({
    '/hookguard': webhookHandler<Event>({
      secret,
      handler: (event, _req, res) => answerJson(res, { received: true, id: event.id }),
    }),
    '/baseline': (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        let event: unknown
        try {
          event = handWrittenVerify(
            Buffer.concat(chunks),
            req.headers as Record<string, string>,
            secret,
          )
        } catch {
          res.writeHead(401).end()
          return
        }
        answerJson(res, { received: true, id: idOf(event) })
      })
    },
  })
}

/** GitHub deliveries on plain node:http: @hookguard/node against @octokit/webhooks' middleware. */
async function startNodeGithub(secret: string): Promise<AddressInfo> {
  const webhooks = new Webhooks({ secret })
  const octokit = createNodeMiddleware(webhooks, { path: '/baseline' })
  // Both answer what octokit answers for a delivery it accepted: 200 `ok`.
  return listenNode({
    '/hookguard': webhookHandler({
      secret,
      scheme: 'github',
      handler: (_event, _req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
      },
    }),
    '/baseline': octokit,
  })
}

const start = {
  express: startExpress,
  fastify: startFastify,
  hono: startHono,
  node: startNode,
  'node-github': startNodeGithub,
}

if (process.send) {
  const [framework, secret] = process.argv.slice(2) as [Framework, string]
  // Never outlive the parent.
  process.on('disconnect', () => process.exit(0))
  // The parent asks for this process's CPU time around each run.
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() })
  })
  const address = await start[framework](secret)
  process.send({ port: address.port })
}
