/**
 * Runs README shell blocks the way a reader would paste them: `bash -e -o pipefail`, in a fresh
 * temporary directory unless the block says `cwd=`, each in its own shell (nothing carries over
 * from one block to the next, as from one terminal to another).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'

export interface ShellResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The environment a reader's shell has: no test-runner variables (`REDIS_URL` included: the test
 * run's Redis set-up exports it, and an example would then keep its state in that Redis across
 * runs), and `PORT` for servers.
 */
export function readerEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('VITEST') || name === 'NODE_ENV' || name === 'TEST') continue
    if (name === 'REDIS_URL') continue
    env[name] = value
  }
  env.PORT = String(port)
  return env
}

export function runShell(
  code: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      killGroup(child)
      reject(new Error(`timed out after ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolve({ code: exitCode, stdout, stderr })
    })
  })
}

export interface Background {
  child: ChildProcess
  output(): string
  stop(): Promise<void>
}

/** Starts a server block and resolves once something accepts connections on `port`. */
export async function startBackground(
  code: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  port: number,
  timeoutMs: number,
): Promise<Background> {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk
  })
  const background: Background = {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const closed = new Promise((resolve) => child.once('close', resolve))
      killGroup(child, 'SIGTERM')
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000)
      await closed
      clearTimeout(timer)
    },
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the server exited (${child.exitCode ?? child.signalCode}) before listening on $PORT=${port}:\n${output}`,
      )
    }
    if (await accepts(port)) return background
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await background.stop()
  throw new Error(`nothing listened on $PORT=${port} within ${timeoutMs} ms:\n${output}`)
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
