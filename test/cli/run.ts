import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inject } from 'vitest'

export const bin = (): string => inject('hookguardBin')

export interface Result {
  code: number | null
  stdout: string
  stderr: string
}

/** An env without colour switches or a stray secret, so each test sets what it means. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NO_COLOR: _n, FORCE_COLOR: _f, HOOKGUARD_SECRET: _s, ...rest } = process.env
  return { ...rest, ...extra }
}

/** Runs the installed binary to completion. */
export function hookguard(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string | Uint8Array; cwd?: string } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin(), args, {
      env: cleanEnv(options.env),
      cwd: options.cwd ?? inject('hookguardHome'),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.stdin ?? '')
  })
}

/** Runs the binary in the background (listen); resolves once it printed "listening on …". */
export function hookguardServer(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{
  child: ChildProcess
  url: string
  output: () => string
  exited: Promise<number | null>
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin(), args, { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const exited = new Promise<number | null>((done) => child.on('close', done))
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      const match = /listening on (http:\/\/\S+?)(\/\S*)? \(/.exec(stderr)
      if (match) resolve({ child, url: match[1] as string, output: () => stdout, exited })
    })
    child.on('close', (code) => reject(new Error(`listen exited ${code}: ${stderr}`)))
  })
}

/** A fresh directory for a test's files. */
export function scratch(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(inject('hookguardHome'), 'case-'))
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  return dir
}
