import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

// Tests run against the sources; the built packages are checked by publint/attw
// and by the runtime tests that load dist/.
const alias = Object.fromEntries(
  ['core', 'express', 'fastify', 'hono', 'redis'].map((name) => [`@hookguard/${name}`, src(name)]),
)

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    // Finds or starts the Redis the Redis suites use, or says in one line why they are skipped.
    globalSetup: ['@hookguard/test-kit/redis-setup'],
    projects: [
      {
        resolve: { alias },
        test: { name: 'node', include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        // The same core suite again, with `#crypto` bound to the Web Crypto back end.
        resolve: {
          alias: {
            ...alias,
            '#crypto': fileURLToPath(new URL('./packages/core/src/crypto/web.ts', import.meta.url)),
          },
        },
        test: { name: 'web-crypto', include: ['packages/core/src/**/*.test.ts'] },
      },
    ],
  },
})
