export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './redis-store.js'
