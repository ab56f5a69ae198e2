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
  if (process.env.REDIS_URL) report.durable = await durable(load, sign)
  console.log(JSON.stringify(report))
}

// The Redis store and the BullMQ inbox on the ioredis npm installed beside them (the peers'
// newest: ioredis 6 today): a signed event and its redelivery through the node adapter; each
// runs its handler once.
async function durable(load, sign) {
  const { Redis } = await load('ioredis')
  const { createInbox, createWorker } = await load('@hookguard/bullmq')
  const { RedisIdempotencyStore } = await load('@hookguard/redis')
  const { webhookHandler } = await load('@hookguard/node')
  const version = async (name) => {
    const { readFileSync } = await load('node:fs')
    const { createRequire } = await load('node:module')
    const path = createRequire(`${process.cwd()}/`).resolve(`${name}/package.json`)
    return JSON.parse(readFileSync(path, 'utf8')).version
  }
  const run = `hg-tarball-${process.pid}-${Date.now()}`
  const prefix = `{${run}}`
  const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null })
  const result = { ioredis: await version('ioredis'), bullmq: await version('bullmq') }
  const event = (id) => {
    const body = JSON.stringify({ id, type: 'order.created', created: 0, data: { object: {} } })
    return sign({ payload: body, secret: SECRET }).then((headers) => ({ body, headers }))
  }
  const deliver = async (port, { body, headers }) => {
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body })
    return `${response.status} ${await response.text()}`
  }
  const settle = async (check) => {
    for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20))
  }
  try {
    let storeRuns = 0
    const store = new RedisIdempotencyStore(redis, { prefix: `${run}:` })
    const on = { 'order.created': () => void storeRuns++ }
    const stored = await listen(http.createServer(webhookHandler({ secret: SECRET, on, store })))
    const first = await event('evt_store')
    result.store = [await deliver(stored.port, first)]
    await settle(() => storeRuns > 0)
    result.store.push(await deliver(stored.port, first))
    result.storeRuns = storeRuns
    await stored.close()

    let workerRuns = 0
    const inbox = createInbox({ connection: redis, prefix })
    const worker = createWorker({
      connection: redis,
      prefix,
      on: { 'order.created': () => void workerRuns++ },
    })
    const queued = await listen(http.createServer(webhookHandler({ secret: SECRET, inbox })))
    const second = await event('evt_inbox')
    result.inbox = [await deliver(queued.port, second)]
    await settle(() => workerRuns > 0)
    result.inbox.push(await deliver(queued.port, second))
    result.workerRuns = workerRuns
    await queued.close()
    await worker.close()
    await inbox.close()
  } finally {
    const keys = [...(await redis.keys(`${prefix}*`)), ...(await redis.keys(`*${run}:*`))]
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  }
  return result
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
