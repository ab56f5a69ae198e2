import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { ReceiverOptions } from '@hookguard/core/adapter'
import { webhook as expressWebhook } from '@hookguard/express'
import hookguard from '@hookguard/fastify'
import { webhook as honoWebhook } from '@hookguard/hono'
import { webhookHandler as nodeHandler } from '@hookguard/node'
import { webhookHandler as webHandler } from '@hookguard/web'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'

/** A running receiver: `POST /webhooks` processes with the options, `POST /verify-only` only verifies. */
export interface RunningApp {
  url: string
  close(): Promise<void>
}

type Start = (options: ReceiverOptions, verifyOnlySecret: string) => Promise<RunningApp>

const startExpress: Start = (options, secret) => {
  const app = express()
  app.post('/webhooks', expressWebhook(options))
  app.post('/verify-only', expressWebhook({ secret }), (req, res) => {
    res.json({ verified: req.webhook })
  })
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => {
          server.closeAllConnections()
          return new Promise((done) => server.close(() => done()))
        },
      })
    })
  })
}

const startFastify: Start = async (options, secret) => {
  const app = Fastify()
  await app.register(async (webhooks) => {
    await webhooks.register(hookguard, { secret })
    webhooks.post('/webhooks', { config: { webhook: options } }, async () => ({
      unreachable: true,
    }))
    webhooks.post('/verify-only', async (request) => ({ verified: request.webhook }))
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}

const startHono: Start = (options, secret) => {
  const app = new Hono()
  app.post('/webhooks', honoWebhook(options))
  app.post('/verify-only', honoWebhook({ secret }), (c) => c.json({ verified: c.get('webhook') }))
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      })
    })
  })
}

function listening(server: ReturnType<typeof createServer>): Promise<RunningApp> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => {
          server.closeAllConnections()
          return new Promise((done) => server.close(() => done()))
        },
      })
    })
  })
}

const startNode: Start = (options, secret) => {
  const processing = nodeHandler(options)
  const verifyOnly = nodeHandler({
    secret,
    handler: (event, _req, res) => res.end(JSON.stringify({ verified: event })),
  })
  return listening(
    createServer(
      (req, res) => void (req.url === '/verify-only' ? verifyOnly(req, res) : processing(req, res)),
    ),
  )
}

const startWeb: Start = (options, secret) => {
  const processing = webHandler(options)
  const verifyOnly = webHandler({ secret, handler: (event) => Response.json({ verified: event }) })
  return new Promise((resolve) => {
    const server = serve(
      {
        fetch: (request) =>
          new URL(request.url).pathname === '/verify-only'
            ? verifyOnly(request)
            : processing(request),
        port: 0,
        hostname: '127.0.0.1',
      },
      (info) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () => new Promise((done) => server.close(() => done())),
        })
      },
    )
  })
}

/** Each adapter, started over a real socket. */
export const adapters: Array<[name: string, start: Start]> = [
  ['express', startExpress],
  ['fastify', startFastify],
  ['hono', startHono],
]

/** The three above plus node:http and the Web adapter (served through @hono/node-server). */
export const allAdapters: Array<[name: string, start: Start]> = [
  ...adapters,
  ['node', startNode],
  ['web', startWeb],
]
