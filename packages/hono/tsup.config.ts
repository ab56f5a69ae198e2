import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'

// Platform-neutral: the same build runs on Node, Bun, Deno and Workers.
export default defineConfig(packageBuild({ platform: 'neutral', target: 'es2022' }))
