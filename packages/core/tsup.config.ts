import { defineConfig } from 'tsup'

// Two builds of the same source: `#crypto` resolves to node:crypto under the
// `node` condition and to Web Crypto everywhere else (Workers, Deno, browsers).
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    outDir: 'dist/node',
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    dts: true,
    removeNodeProtocol: false,
    clean: true,
  },
  {
    entry: { index: 'src/index.ts' },
    outDir: 'dist/web',
    format: ['esm', 'cjs'],
    platform: 'neutral',
    target: 'es2022',
    dts: true,
    removeNodeProtocol: false,
    clean: true,
  },
])
