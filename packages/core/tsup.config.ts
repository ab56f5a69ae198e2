import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'

// The main entry and the two author entries (`/adapter`, `/scheme`).
const entry = { index: 'src/index.ts', adapter: 'src/adapter.ts', scheme: 'src/scheme.ts' }

// Two builds of the same source: `#crypto` resolves to node:crypto under the `node` condition
// and to Web Crypto everywhere else (Workers, Deno's and browsers' bundles).
export default defineConfig([
  packageBuild({ entry, outDir: 'dist/node' }),
  packageBuild({ entry, outDir: 'dist/web', platform: 'neutral', target: 'es2022' }),
])
