/**
 * The READMEs are part of the test suite (TypeScript blocks and links: docs-typescript.test.ts).
 * Here every shell block runs as a reader would paste it, and where the README shows its output
 * (an `output` block) that output is compared. READMEs run concurrently, each one's blocks in
 * order. The annotations (skip with a reason, cwd, background server, output) are described in
 * test/docs/blocks.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { type Block, outputMatches, readBlocks, readmePaths } from './docs/blocks.js'
import { type Background, freePort, readerEnv, runShell, startBackground } from './docs/shell.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const readmes = readmePaths(root)
  .map((path) => ({ file: path.slice(root.length), blocks: readBlocks(root, path) }))
  .filter(({ blocks }) => blocks.some((block) => block.kind === 'shell'))
const SHELL_TIMEOUT_MS = 120_000

describe.concurrent.each(readmes)('$file', ({ file, blocks }) => {
  const shell = blocks.filter((block) => block.kind === 'shell' || block.output)
  describe.sequential('shell blocks', () => {
    const servers: Background[] = []
    const temps: string[] = []
    // One free port per README, in $PORT for every block: its server and its requests agree.
    let port: number | undefined
    const env = async () => {
      port ??= await freePort()
      return readerEnv(port)
    }
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()))
      for (const dir of temps) rmSync(dir, { recursive: true, force: true })
    })
    const cwdOf = (block: Block) => {
      if (block.cwd === 'repo') return root
      if (block.cwd) return join(root, block.cwd)
      const dir = mkdtempSync(join(tmpdir(), 'hookguard-docs-'))
      temps.push(dir)
      return dir
    }

    let last: { block: Block; stdout?: string } | undefined
    for (const block of shell) {
      if (block.output) {
        const source = last
        const title = `output at line ${block.line} is what line ${source?.block.line} prints`
        if (!source || source.block.background) {
          it(title, () => {
            throw new Error(
              `${file}:${block.line}: an output block needs a foreground shell block before it`,
            )
          })
        } else if (source.block.skip) {
          it.skip(`${title} (skipped: ${source.block.skip})`, () => {})
        } else {
          it(title, () => {
            if (source.stdout === undefined)
              throw new Error(`line ${source.block.line} did not run`)
            const matches = outputMatches(block.code, source.stdout)
            if (!matches) expect(source.stdout.trim()).toBe(block.code.trim())
          })
        }
        continue
      }
      const current: { block: Block; stdout?: string } = { block }
      last = current
      const title = `${block.background ? 'server' : 'shell'} block at line ${block.line} ${block.background ? 'listens on $PORT' : 'runs'}`
      if (block.skip) {
        it.skip(`${title} (skipped: ${block.skip})`, () => {})
        continue
      }
      it(
        title,
        async () => {
          const cwd = cwdOf(block)
          if (!existsSync(cwd))
            throw new Error(`${file}:${block.line}: cwd ${block.cwd} does not exist`)
          if (block.background) {
            servers.push(await startBackground(block.code, cwd, await env(), port ?? 0, 60_000))
            return
          }
          const result = await runShell(block.code, cwd, await env(), SHELL_TIMEOUT_MS)
          current.stdout = result.stdout
          if (result.code !== 0) {
            const server = servers.map((s) => `server output:\n${s.output()}`).join('\n')
            throw new Error(
              `${file}:${block.line} exited ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}\n${server}`,
            )
          }
        },
        SHELL_TIMEOUT_MS + 5_000,
      )
    }
  })
})
