import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

const src = (pkg: string, entry = 'index') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url))

// Tests run against the sources; the built packages are checked by publint/attw
// and by the runtime tests that load dist/. Exact matches, so `@hookguard/core` does not swallow
// its subpaths.
const alias = [
  ...['core', 'express', 'fastify', 'hono', 'node', 'redis', 'bullmq', 'web'].map((name) => ({
    find: new RegExp(`^@hookguard/${name}$`),
    replacement: src(name),
  })),
  { find: /^@hookguard\/core\/(adapter|scheme)$/, replacement: src('core', '$1') },
]

// Core's own tests and the senders' conformance tests: they run twice, once per crypto back end.
const UNIT = ['packages/core/src/**/*.test.ts', 'test/conformance/**/*.test.ts']

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    // Two workers: vitest's default is one less than the cores, a single worker on CI's 2-core
    // machine, while most files spend their time waiting on sockets, child processes and Redis.
    maxWorkers: 2,
    // Finds or starts the Redis the Redis suites use, or says in one line why they are skipped.
    globalSetup: ['@hookguard/test-kit/redis-setup'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'node',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/cli/**', ...UNIT],
        },
      },
      {
        // Core's own tests and the senders' conformance tests on node:crypto. In-process unit
        // tests that restore what they change (timers, spies, env), so they share a worker's
        // module cache instead of importing core, the senders' SDKs and fast-check again per file.
        resolve: { alias },
        test: { name: 'node-crypto', include: UNIT, isolate: false },
      },
      {
        // The hookguard binary as a user installs it: packed, npm-installed, spawned.
        test: {
          name: 'cli',
          include: ['test/cli/**/*.test.ts'],
          globalSetup: ['test/cli/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The same core suite again, with `#crypto` bound to the Web Crypto back end.
        resolve: {
          alias: [
            ...alias,
            {
              find: /^#crypto$/,
              replacement: fileURLToPath(
                new URL('./packages/core/src/crypto/web.ts', import.meta.url),
              ),
            },
          ],
        },
        test: {
          name: 'web-crypto',
          // Core's own tests and the senders' conformance tests, both on Web Crypto; not isolated,
          // as in node-crypto.
          include: UNIT,
          isolate: false,
        },
      },
      {
        // The Redis store's suites again on ioredis 6 (npm's ioredis@6 under the name ioredis6):
        // the peer range takes 5 and 6, and their reconnect behaviour differs.
        resolve: { alias: [...alias, { find: /^ioredis$/, replacement: 'ioredis6' }] },
        test: {
          name: 'ioredis6',
          include: ['packages/redis/src/**/*.test.ts', 'test/redis-store-contract.test.ts'],
        },
      },
    ],
  },
})
