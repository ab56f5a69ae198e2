import type { NextConfig } from 'next'

const config: NextConfig = {
  // The repository's `pnpm typecheck` checks this example with everything else.
  typescript: { ignoreBuildErrors: true },
}

export default config
