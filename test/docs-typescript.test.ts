/**
 * The READMEs are part of the test suite (shell blocks: docs-shell.test.ts). Here: every
 * TypeScript block compiles under the repository's strict settings, in one program, with the
 * hidden prelude its annotation gives; every relative link resolves, and package READMEs (what
 * npm shows, alone) have none. The annotations are described in test/docs/blocks.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { type Block, readBlocks, readmePaths } from './docs/blocks.js'
import { type BlockDiagnostic, typecheckBlocks } from './docs/typecheck.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const readmes = readmePaths(root).map((path) => ({
  path,
  file: path.slice(root.length),
  blocks: readBlocks(root, path),
}))
const allBlocks = readmes.flatMap(({ blocks }) => blocks)

// One program for every block: building it (loading the frameworks' types) is the slow part.
let diagnostics: Map<string, BlockDiagnostic[]> | undefined
beforeAll(() => {
  diagnostics = typecheckBlocks(
    root,
    allBlocks.filter((block) => block.kind === 'ts' && !block.skip),
  )
}, 180_000)
const typeErrors = (block: Block) => {
  if (!diagnostics) throw new Error('the TypeScript program was not built')
  return diagnostics.get(`${block.file}:${block.line}`) ?? []
}

describe.each(readmes)('$file', ({ path, file, blocks }) => {
  it('links only to what exists (package READMEs: nothing outside the tarball)', () => {
    const text = readFileSync(path, 'utf8')
    const isPackage = file.startsWith('packages/')
    const problems: string[] = []
    for (const match of text.matchAll(/\]\(([^)\s]+)\)|^\[[^\]]+\]:\s*(\S+)/gm)) {
      const target = match[1] ?? match[2] ?? ''
      if (/^(https?:|mailto:|#)/.test(target)) continue
      const line = text.slice(0, match.index).split('\n').length
      if (isPackage) {
        problems.push(
          `${file}:${line}: relative link "${target}" (npm shows this README alone: use an absolute URL)`,
        )
      } else if (!existsSync(resolve(dirname(path), target.split('#')[0] ?? ''))) {
        problems.push(`${file}:${line}: "${target}" does not exist`)
      }
    }
    expect(problems).toEqual([])
  })

  const typescript = blocks.filter((block) => block.kind === 'ts')
  for (const block of typescript) {
    const title = `TypeScript block at line ${block.line} compiles`
    if (block.skip) {
      it.skip(`${title} (skipped: ${block.skip})`, () => {})
      continue
    }
    it(title, () => {
      const errors = typeErrors(block).map(({ where, message }) => `${where}: ${message}`)
      expect(errors).toEqual([])
    })
  }
})
