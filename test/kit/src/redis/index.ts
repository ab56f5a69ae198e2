export { connect, type RedisAddress, redisAddress } from './connection.js'
export { type FlakyProxy, flakyProxy } from './flaky-proxy.js'
export { deleteKeys, testPrefix } from './keys.js'
export {
  findRedisServer,
  freePort,
  type RedisServer,
  type RedisServerOptions,
  redisAnswers,
  startRedisServer,
} from './server.js'
export { describeRedis, type RedisTarget, redisSkipReason, redisUrl } from './target.js'
export { DEFAULT_REDIS_URL, redactUrl } from './url.js'
