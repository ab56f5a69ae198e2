import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'

// ESM only: a binary and a small programmatic entry; Node 20 loads both without require().
export default defineConfig(
  packageBuild({ entry: { index: 'src/index.ts', bin: 'src/bin.ts' }, format: ['esm'] }),
)
