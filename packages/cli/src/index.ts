export { EXIT, type ExitCode } from './exit.js'
export { type CliIo, run } from './program.js'
