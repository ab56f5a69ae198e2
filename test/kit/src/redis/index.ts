export {
  connect,
  deleteKeys,
  type RedisAddress,
  redisAddress,
  testPrefix,
} from './connection.js'
export { type FlakyProxy, flakyProxy } from './flaky-proxy.js'
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
