import type { Options } from 'tsup'

/** The build every package shares: dual ESM/CJS with types, `node:` imports kept as written. */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    dts: true,
    clean: true,
    removeNodeProtocol: false,
    ...overrides,
  }
}
