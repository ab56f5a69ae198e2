// The Redis helpers a script outside vitest can use (`pnpm stress`): nothing here imports vitest,
// whose `inject` the test-run helpers (`redisUrl`, `describeRedis`) need.
export { deleteKeys, testPrefix } from './keys.js'
export { redisAnswers } from './server.js'
export { DEFAULT_REDIS_URL, redactUrl } from './url.js'
