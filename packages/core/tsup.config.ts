import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'

// Two builds of the same source: `#crypto` resolves to node:crypto under the `node` condition
// and to Web Crypto everywhere else (Workers, Deno's and browsers' bundles).
export default defineConfig([
  packageBuild({ outDir: 'dist/node' }),
  packageBuild({ outDir: 'dist/web', platform: 'neutral', target: 'es2022' }),
])
