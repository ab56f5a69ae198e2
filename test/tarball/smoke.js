// biome-ignore-all lint: plain JavaScript that runs unchanged as ESM and as CommonJS
// The scratch apps' script (run as ESM and as CommonJS by test/tarball-install.test.ts): loads
// every installed @hookguard package through its published entry, then sends a signed and a
// tampered request over a real socket through each adapter, and prints one JSON report.
// `load` is defined by the wrapper: `import()` in the ESM app, `require` in the CommonJS one.
let http
const SECRET = 'whsec_tarball_smoke'

async function main(load, installed) {
  http = await load('node:http')
  const report = { loaded: {}, adapters: {} }
  for (const name of installed) {
    const module = await load(name)
    report.loaded[name] = Object.keys(module).sort()
  }
  const { sign } = await load('@hookguard/core')
  const runs = { count: 0 }
  const on = { 'order.created': () => void runs.count++ }

  const servers = {
    '@hookguard/express': async () => {
      const express = (await load('express')).default ?? (await load('express'))
      const { webhook } = await load('@hookguard/express')
      const app = express()
      app.post('/webhooks', webhook({ secret: SECRET, on }))
      return listen(http.createServer(app))
    },
    '@hookguard/fastify': async () => {
      const fastify = (await load('fastify')).default ?? (await load('fastify'))
      const { hookguard } = await load('@hookguard/fastify')
      const app = fastify()
      await app.register(hookguard, { secret: SECRET, on })
      app.post('/webhooks', { config: { webhook: true } }, async () => ({}))
      await app.listen({ port: 0, host: '127.0.0.1' })
      return { port: app.server.address().port, close: () => app.close() }
    },
    '@hookguard/hono': async () => {
      const { Hono } = await load('hono')
      const { serve } = await load('@hono/node-server')
      const { webhook } = await load('@hookguard/hono')
      const app = new Hono()
      app.post('/webhooks', webhook({ secret: SECRET, on }))
      return serveFetch(serve, app.fetch)
    },
    '@hookguard/web': async () => {
      const { serve } = await load('@hono/node-server')
      const { webhookHandler } = await load('@hookguard/web')
      return serveFetch(serve, webhookHandler({ secret: SECRET, on }))
    },
    '@hookguard/node': async () => {
      const { webhookHandler } = await load('@hookguard/node')
      return listen(http.createServer(webhookHandler({ secret: SECRET, on })))
    },
  }

  for (const [name, start] of Object.entries(servers)) {
    if (!installed.includes(name)) continue
    const before = runs.count
    const server = await start()
    try {
      const body = JSON.stringify({
        id: `evt_${name}`,
        type: 'order.created',
        created: 0,
        data: { object: { id: 'ord_1' } },
      })
      const headers = {
        'content-type': 'application/json',
        ...(await sign({ payload: body, secret: SECRET })),
      }
      const url = `http://127.0.0.1:${server.port}/webhooks`
      const valid = await fetch(url, { method: 'POST', headers, body })
      const validBody = await valid.text()
      const tampered = await fetch(url, {
        method: 'POST',
        headers,
        body: body.replace('ord_1', 'ord_2'),
      })
      const tamperedBody = await tampered.json()
      // ack: 'before' runs the handler after the answer: give it a moment.
      for (let i = 0; i < 50 && runs.count === before; i++)
        await new Promise((r) => setTimeout(r, 20))
      report.adapters[name] = {
        valid: `${valid.status} ${validBody}`,
        tampered: `${tampered.status} ${tamperedBody.code}`,
        handlerRuns: runs.count - before,
      }
    } finally {
      await server.close()
    }
  }
  console.log(JSON.stringify(report))
}

function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: server.address().port, close: () => new Promise((r) => server.close(r)) }),
    )
  })
}

function serveFetch(serve, fetchHandler) {
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ port: info.port, close: () => new Promise((r) => server.close(r)) }),
    )
  })
}
