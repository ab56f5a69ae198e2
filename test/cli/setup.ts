/**
 * Packs @hookguard/core, @hookguard/cli and @hookguard/bullmq as they would be published (pnpm pack rewrites
 * workspace:* to versions) and installs the tarballs with npm into a temporary project, the way
 * a user installs the CLI. The tests run that installed `hookguard` binary.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'

const root = fileURLToPath(new URL('../../', import.meta.url))
// bullmq: `hookguard inbox` loads the durable inbox the way a user installs it beside the CLI.
const PACKAGES = ['core', 'cli', 'bullmq']
const ALSO_FROM_NPM = ['bullmq@^6.7.0', 'ioredis@^5.9.2']

declare module 'vitest' {
  export interface ProvidedContext {
    /** The installed `hookguard` binary. */
    hookguardBin: string
    /** The temporary project it is installed in. */
    hookguardHome: string
  }
}

export default function setup(project: TestProject): () => void {
  for (const name of PACKAGES) {
    if (!existsSync(join(root, 'packages', name, 'dist'))) {
      throw new Error(`packages/${name}/dist is missing: run \`pnpm build\` before the CLI tests`)
    }
  }
  const home = mkdtempSync(join(tmpdir(), 'hookguard-cli-'))
  const packs = join(home, 'packs')
  for (const name of PACKAGES) {
    execFileSync('npx', ['--yes', 'pnpm@10', 'pack', '--pack-destination', packs], {
      cwd: join(root, 'packages', name),
      stdio: 'ignore',
    })
  }
  const tarballs = readdirSync(packs).map((file) => join(packs, file))
  writeFileSync(join(home, 'package.json'), '{ "name": "cli-user", "private": true }\n')
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...tarballs,
      ...ALSO_FROM_NPM,
    ],
    { cwd: home, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const bin = join(home, 'node_modules', '.bin', 'hookguard')
  if (!existsSync(bin)) throw new Error('npm install did not link the hookguard binary')
  project.provide('hookguardBin', bin)
  project.provide('hookguardHome', home)
  return () => rmSync(home, { recursive: true, force: true })
}
