import { RedisIdempotencyStore } from '@hookguard/redis'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, vi } from 'vitest'
import { describeInboxContract } from '../packages/bullmq/src/inbox-contract.js'
import { type RedisCluster, startRedisCluster } from './support/redis-cluster.js'
import { describeStoreContract } from './support/store-contract.js'

// Real Redis and BullMQ on a shared 2-core machine: allow for load, assert no timings.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

// A real local Redis Cluster: three masters on the bullmq tests' own ports (7151-7153), made by
// `redis-cli --cluster create`, stopped and deleted afterwards. The inbox contract and the
// IdempotencyStore contract run on it unchanged: the inbox's default prefix is a hash tag
// (`{hookguard}`) so a queue lives in one slot, and each store key carries its own hash tag.
const PORTS = [7151, 7152, 7153]
let cluster: RedisCluster
const clients: Cluster[] = []

function clusterClient(): Cluster {
  const client = new Cluster(cluster.nodes, {
    redisOptions: { maxRetriesPerRequest: null },
    maxRedirections: 16,
  })
  clients.push(client)
  return client
}

beforeAll(async () => {
  cluster = await startRedisCluster(PORTS)
}, 60_000)

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())))
  await cluster?.stop()
})

describeInboxContract({ label: 'a 3-node Redis Cluster', connection: () => clusterClient() })

describeStoreContract([
  {
    name: 'RedisIdempotencyStore on a 3-node Redis Cluster',
    create: () => new RedisIdempotencyStore(clusterClient(), { prefix: 'hookguard-cluster:' }),
  },
])
