/**
 * Type-checks every TypeScript block of the READMEs in one TypeScript program under the
 * repository's tsconfig (strict, exactOptionalPropertyTypes, verbatimModuleSyntax...).
 *
 * Each block becomes a virtual module beside its README (`<dir>/README.md.<line>.ts`), so its
 * imports resolve as they would in that package: `@hookguard/*` through the tsconfig paths to the
 * sources, frameworks through the package's own node_modules. Nothing is written to disk.
 */
import { dirname, join } from 'node:path'
import ts from 'typescript'
import type { Block } from './blocks.js'

export interface BlockDiagnostic {
  /** README path and line, e.g. `packages/redis/README.md:31`. */
  where: string
  message: string
}

/** The virtual module of a block: its prelude, then its code as a module of its own. */
function moduleText(block: Block): { text: string; offset: number } {
  const prelude = block.prelude.join('\n')
  const head = prelude === '' ? '' : `${prelude}\n`
  return { text: `${head}${block.code}\nexport {}\n`, offset: head.split('\n').length - 1 }
}

/** Diagnostics keyed by `file:line` of each block (an empty list when it compiles). */
export function typecheckBlocks(root: string, blocks: Block[]): Map<string, BlockDiagnostic[]> {
  const configPath = join(root, 'tsconfig.json')
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    { noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
      },
    },
  )
  if (!config) throw new Error(`cannot read ${configPath}`)
  const options = config.options

  const virtual = new Map<string, { block: Block; text: string; offset: number }>()
  for (const block of blocks) {
    const path = join(root, dirname(block.file), `README.md.${block.line}.ts`)
    virtual.set(path, { block, ...moduleText(block) })
  }

  const host = ts.createCompilerHost(options, true)
  const { fileExists, readFile, getSourceFile } = host
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name)
  host.readFile = (name) => virtual.get(name)?.text ?? readFile.call(host, name)
  host.getSourceFile = (name, language, onError, shouldCreate) => {
    const entry = virtual.get(name)
    if (entry) return ts.createSourceFile(name, entry.text, language, true)
    return getSourceFile.call(host, name, language, onError, shouldCreate)
  }

  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host })
  const results = new Map<string, BlockDiagnostic[]>()
  for (const { block } of virtual.values()) results.set(`${block.file}:${block.line}`, [])

  const global = program.getOptionsDiagnostics().concat(program.getGlobalDiagnostics())
  if (global.length > 0) {
    throw new Error(ts.formatDiagnostics(global, formatHost(root)))
  }
  for (const [path, entry] of virtual) {
    const source = program.getSourceFile(path)
    if (!source) throw new Error(`the program lost ${path}`)
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ]
    const list = results.get(`${entry.block.file}:${entry.block.line}`) ?? []
    for (const diagnostic of diagnostics) {
      const start = diagnostic.start ?? 0
      const { line } = source.getLineAndCharacterOfPosition(start)
      const inPrelude = line < entry.offset
      const readmeLine = entry.block.line + line - entry.offset
      list.push({
        where: inPrelude
          ? `${entry.block.file}:${entry.block.line} (prelude)`
          : `${entry.block.file}:${readmeLine}`,
        message: `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
      })
    }
  }
  return results
}

function formatHost(root: string): ts.FormatDiagnosticsHost {
  return {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  }
}
