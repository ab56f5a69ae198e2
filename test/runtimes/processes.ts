import { type ChildProcess, spawn } from 'node:child_process'

export interface Started<T> {
  info: T
  stop(): Promise<void>
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGKILL')
    })
}

/**
 * Starts a server process and resolves with the first JSON line it prints (its port), or rejects
 * with its output after `timeoutMs`; a process that never gets ready is killed, never left behind.
 */
export function startProcess<T>(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<Started<T>> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stop = stopper(child)
  return new Promise((resolve, reject) => {
    let output = ''
    let settled = false
    const fail = (why: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      void stop().then(() => reject(new Error(`${command} ${args.join(' ')}: ${why}\n${output}`)))
    }
    const timer = setTimeout(
      () => fail(`not ready after ${options.timeoutMs} ms`),
      options.timeoutMs,
    )
    child.stdout?.on('data', (data: Buffer) => {
      output += data
      if (settled) return
      const complete = output.split('\n').slice(0, -1)
      for (const line of complete) {
        if (!line.startsWith('{')) continue
        settled = true
        clearTimeout(timer)
        resolve({ info: JSON.parse(line) as T, stop })
        return
      }
    })
    child.stderr?.on('data', (data: Buffer) => {
      output += data
    })
    child.once('error', (error) => fail(error.message))
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`))
  })
}

/** Runs a command to completion; rejects with its output on failure or after `timeoutMs`. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout?.on('data', (data: Buffer) => {
      output += data
    })
    child.stderr?.on('data', (data: Buffer) => {
      output += data
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${output}`))
    })
  })
}
