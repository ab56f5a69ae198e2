import { MemoryIdempotencyStore } from '@hookguard/core'
import { RedisIdempotencyStore } from '@hookguard/redis'
import { connect, deleteKeys, redisSkipReason, testPrefix } from '@hookguard/test-kit/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'
import { describeStoreContract } from './support/store-contract.js'

// One suite, both stores: the in-memory reference and Redis must answer every sequence alike.
// test/bullmq-cluster.test.ts runs it again against a Redis Cluster.
const prefix = testPrefix('contract')
let redis: Redis
// Without a Redis the memory store still runs the contract; the global setup said why Redis is out.
const hasRedis = redisSkipReason() === undefined

beforeAll(async () => {
  if (!hasRedis) return
  redis = connect()
  await redis.ping()
})

afterAll(async () => {
  if (!hasRedis) return
  await deleteKeys(redis, prefix)
  await redis.quit()
})

describeStoreContract([
  { name: 'MemoryIdempotencyStore', create: () => new MemoryIdempotencyStore() },
  ...(hasRedis
    ? [
        {
          name: 'RedisIdempotencyStore',
          create: () => new RedisIdempotencyStore(redis, { prefix }),
        },
      ]
    : []),
])
