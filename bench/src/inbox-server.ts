// Child process for the inbox group: one Express app, one adapter, two routes that differ only
// in where an accepted event goes: `/inbox` adds it to a BullMQ inbox (the durable mode), `/store`
// claims it in a RedisIdempotencyStore and runs a no-op handler after the 200 (`ack: 'before'`).
import type { AddressInfo } from 'node:net'
import { createInbox } from '@hookguard/bullmq'
import { webhook } from '@hookguard/express'
import { RedisIdempotencyStore } from '@hookguard/redis'
import express from 'express'
import { Redis } from 'ioredis'

const [secret = '', redisUrl = '', prefix = ''] = process.argv.slice(2)
const url = new URL(redisUrl)
const connection = {
  host: url.hostname,
  port: Number(url.port || 6379),
  db: Number(url.pathname.slice(1) || 0),
  maxRetriesPerRequest: null,
}
const inbox = createInbox({ connection, prefix: `{${prefix}}` })
const redis = new Redis(redisUrl)
const store = new RedisIdempotencyStore(redis, { prefix: `${prefix}-store:` })
const app = express()
app.post('/inbox', webhook({ secret, inbox }))
app.post('/store', webhook({ secret, store, ack: 'before', on: { '*': () => {} } }))
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port })
})
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() })
})
process.on('disconnect', () => process.exit(0))
