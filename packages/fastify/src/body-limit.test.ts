import { request as httpRequest } from 'node:http'
import { hookguardScheme } from '@hookguard/core/scheme'
import { NOW, SECRET, signHookguard } from '@hookguard/test-kit'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { hookguard } from './index.js'
import { versions } from './test-harness.js'

// Which limit holds on a webhook route, over a real socket, with a Content-Length and chunked.
// The scope's own parser is core's reader (maxBodyBytes); Fastify's bodyLimit is read only by
// Fastify's buffer/string parsers. The plugin still sets a webhook route's bodyLimit to its
// maxBodyBytes, for a `parseAs` parser someone adds in the scope: its Buffer is verified as the raw
// body, and without that bodyLimit it would take the server's limit (1 MiB by default) instead.

interface Answer {
  status: number
  code: string | undefined
  event: unknown
}

function send(url: string, size: number, chunked: boolean): Promise<Answer> {
  const body = Buffer.alloc(size, 0x61)
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signHookguard(body),
        ...(chunked ? {} : { 'content-length': String(size) }),
      },
    })
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () => {
        const json = JSON.parse(text) as { code?: string; event?: unknown }
        resolve({ status: res.statusCode ?? 0, code: json.code, event: json.event })
      })
    })
    req.on('error', reject)
    if (!chunked) return void req.end(body)
    for (let at = 0; at < size; at += 512) req.write(body.subarray(at, at + 512))
    req.end()
  })
}

describe.each(versions)('$name: the body limit of a webhook route', ({ fastify }) => {
  let app: FastifyInstance
  afterEach(() => app.close())

  /** A server whose own bodyLimit (1 KiB) is below the route's maxBodyBytes (2 KiB). */
  async function start(userParser: boolean): Promise<string> {
    app = fastify({ bodyLimit: 1024 })
    await app.register(async (webhooks) => {
      // The event is the body's length, so any size verifies.
      const scheme = { ...hookguardScheme, parse: (text: string) => text.length }
      await webhooks.register(hookguard, { secret: SECRET, now: NOW, maxBodyBytes: 2048, scheme })
      if (userParser) {
        webhooks.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_r, body, done) =>
          done(null, body),
        )
      }
      webhooks.post('/webhooks', async (request) => ({ event: request.webhook }))
    })
    return `${await app.listen({ port: 0, host: '127.0.0.1' })}/webhooks`
  }

  for (const chunked of [false, true]) {
    const framing = chunked ? 'chunked' : 'with a Content-Length'
    it(`scope's parser, ${framing}: maxBodyBytes holds, not the server's bodyLimit`, async () => {
      const url = await start(false)
      expect(await send(url, 1500, chunked)).toEqual({ status: 200, code: undefined, event: 1500 })
      const over = await send(url, 4000, chunked)
      expect([over.status, over.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    })

    it(`a parseAs parser added to the scope, ${framing}: maxBodyBytes holds there too`, async () => {
      const url = await start(true)
      expect(await send(url, 1500, chunked)).toEqual({ status: 200, code: undefined, event: 1500 })
      // Fastify's own FST_ERR_CTP_BODY_TOO_LARGE, at the route's bodyLimit, in hookguard's shape.
      const over = await send(url, 4000, chunked)
      expect([over.status, over.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    })
  }
})
