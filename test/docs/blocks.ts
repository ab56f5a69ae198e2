/**
 * Reads the fenced code blocks of the repository's READMEs together with the `docs-test`
 * annotations written before them, for `test/docs.test.ts`.
 *
 * An annotation is an HTML comment (invisible on GitHub and npm) in the lines just above a block:
 *
 *   <!-- docs-test: skip (why this block cannot run here) -->
 *   <!-- docs-test: cwd=repo -->            run a shell block in the repository root
 *   <!-- docs-test: cwd=examples/hono -->   ... or in a directory of it (default: a fresh temp dir)
 *   <!-- docs-test: background -->          a shell block that starts a server on $PORT
 *   <!-- docs-test: output -->              this block is the stdout of the shell block before it
 *   <!-- docs-test: prelude declare const secret: string -->   hidden code before a TS block
 *
 * Several annotations may stack, one comment each, blank lines allowed between them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export type BlockKind = 'shell' | 'ts' | 'other'

export interface Block {
  /** README path relative to the repository root. */
  file: string
  /** 1-based line of the first code line (the line after the opening fence). */
  line: number
  lang: string
  kind: BlockKind
  code: string
  skip?: string
  cwd?: string
  background: boolean
  output: boolean
  prelude: string[]
}

const SHELL = new Set(['sh', 'bash', 'shell', 'zsh'])
const TS = new Set(['ts', 'typescript', 'mts'])
const ANNOTATION = /^<!--\s*docs-test:\s*([\s\S]*?)\s*-->$/

/** Every README the harness covers: the root one, then each package's and each example's. */
export function readmePaths(root: string): string[] {
  const paths = [join(root, 'README.md')]
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group)
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir).sort()) {
      const readme = join(dir, name, 'README.md')
      if (existsSync(readme)) paths.push(readme)
    }
  }
  return paths
}

/** Parses one README; throws on a malformed annotation so a typo cannot silently skip a block. */
export function readBlocks(root: string, path: string): Block[] {
  const file = relative(root, path)
  const lines = readFileSync(path, 'utf8').split('\n')
  const blocks: Block[] = []
  let pending: string[] = []
  let i = 0
  while (i < lines.length) {
    const text = lines[i] ?? ''
    const trimmed = text.trim()
    if (trimmed.startsWith('<!--') && /docs-test:/.test(trimmed)) {
      // An annotation may span lines (a multi-line prelude).
      let comment = trimmed
      while (!comment.endsWith('-->') && i + 1 < lines.length) comment += `\n${lines[++i] ?? ''}`
      const match = ANNOTATION.exec(comment.trim())
      if (!match?.[1]) throw new Error(`${file}:${i + 1}: malformed docs-test annotation`)
      pending.push(match[1])
      i++
      continue
    }
    const fence = /^(\s*)(```+|~~~+)\s*([\w-]*)/.exec(text)
    if (fence) {
      const [, indent = '', marker = '```', lang = ''] = fence
      const start = i + 1
      const body: string[] = []
      i++
      while (i < lines.length && !(lines[i] ?? '').trim().startsWith(marker)) {
        body.push((lines[i] ?? '').slice(indent.length))
        i++
      }
      i++ // the closing fence
      blocks.push(annotate(file, start + 1, lang.toLowerCase(), body.join('\n'), pending))
      pending = []
      continue
    }
    if (trimmed !== '' && pending.length > 0) {
      throw new Error(
        `${file}:${i + 1}: a docs-test annotation must come right before a code block (only blank lines between)`,
      )
    }
    i++
  }
  if (pending.length > 0) throw new Error(`${file}: a docs-test annotation at the end of the file`)
  return blocks
}

function annotate(file: string, line: number, lang: string, code: string, notes: string[]): Block {
  const kind: BlockKind = SHELL.has(lang) ? 'shell' : TS.has(lang) ? 'ts' : 'other'
  const block: Block = {
    file,
    line,
    lang,
    kind,
    code,
    background: false,
    output: false,
    prelude: [],
  }
  const where = `${file}:${line}`
  for (const note of notes) {
    const [directive = '', ...rest] = note.split(/\s+/)
    const argument = note.slice(directive.length).trim()
    if (directive === 'skip') {
      const reason = /^\((.+)\)$/s.exec(argument)?.[1]?.trim()
      if (!reason) throw new Error(`${where}: "skip" needs a reason in parentheses: skip (why)`)
      block.skip = reason
    } else if (directive.startsWith('cwd=')) {
      if (kind !== 'shell') throw new Error(`${where}: cwd= applies to shell blocks only`)
      block.cwd = directive.slice('cwd='.length)
      if (rest.length > 0) throw new Error(`${where}: cwd= takes one path`)
    } else if (directive === 'background') {
      if (kind !== 'shell') throw new Error(`${where}: background applies to shell blocks only`)
      block.background = true
    } else if (directive === 'output') {
      if (kind === 'ts') throw new Error(`${where}: an output block cannot be TypeScript`)
      block.output = true
    } else if (directive === 'prelude') {
      if (kind !== 'ts') throw new Error(`${where}: prelude applies to TypeScript blocks only`)
      if (!argument) throw new Error(`${where}: an empty prelude`)
      block.prelude.push(argument)
    } else {
      throw new Error(`${where}: unknown docs-test directive "${directive}"`)
    }
  }
  return block
}

/**
 * Whether documented output matches what ran: trailing whitespace and blank edges are ignored,
 * and `…` in the documented text stands for any run of characters (ids, timestamps).
 */
export function outputMatches(documented: string, actual: string): boolean {
  const tidy = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trim()
  const pattern = tidy(documented)
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*?')
  return new RegExp(`^${pattern}$`).test(tidy(actual))
}
