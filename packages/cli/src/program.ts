import { createRequire } from 'node:module'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { inboxListCommand, inboxReplayCommand } from './commands/inbox.js'
import { listenCommand } from './commands/listen.js'
import { sendCommand } from './commands/send.js'
import { signCommand } from './commands/sign.js'
import { verifyCommand } from './commands/verify.js'
import { EXIT, type ExitCode, UsageError } from './exit.js'
import { SECRET_ENV, schemeNames } from './inputs.js'
import { type CliIo, processIo } from './io.js'
import { colorsFor } from './style.js'

export type { CliIo } from './io.js'

const { version } = createRequire(import.meta.url)('../package.json') as { version: string }

function integer(min: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < min) {
      throw new InvalidArgumentError(`expected a whole number >= ${min}`)
    }
    return Number(text)
  }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

function secretOptions(command: Command): Command {
  return command
    .option('--secret-env <name>', 'read the secret from this environment variable')
    .option('--secret-file <path>', 'read the secret from a file (one final newline is dropped)')
    .option(
      '--secret <value>',
      `the secret itself (ends up in shell history; default $${SECRET_ENV})`,
    )
}

const schemeOption = () =>
  new Option('--scheme <name>', 'the signing scheme').choices(schemeNames()).default('hookguard')

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`

/**
 * Runs the `hookguard` command line with `argv` (without `node` and the script) and resolves to
 * the exit status: 0 valid or sent, 1 rejected, 2 usage.
 *
 * @example
 * process.exitCode = await run(['verify', '--explain', '--body', 'body.json', '--headers', 'headers.txt'])
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.OK
  const colorFlag = !argv.includes('--no-color')
  const out = colorsFor(io.stdout, io.env, colorFlag)
  const err = colorsFor(io.stderr, io.env, colorFlag)

  const program = new Command('hookguard')
    .description('Sign, send, verify and explain webhooks.')
    .version(version, '-v, --version')
    .option('--no-color', 'no colours (also: NO_COLOR=1); colours appear only on a terminal')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One line: commander's message and its "(Did you mean …?)" together.
      outputError: (text, write) =>
        write(`${err.red(text.trim().replace(/\s*\n\s*/g, ' '))} ${err.dim('(see --help)')}\n`),
    })
    .addHelpText(
      'after',
      `\nExit status: 0 valid or sent, 1 rejected, 2 usage.${examples([
        'hookguard sign --secret-env WEBHOOK_SECRET --body event.json',
        'hookguard send http://localhost:3000/webhooks --secret-env WEBHOOK_SECRET --count 100',
        'hookguard verify --explain --headers headers.txt --body body.json --secret-env WEBHOOK_SECRET',
        'hookguard listen --port 4000 --secret-env WEBHOOK_SECRET --forward http://localhost:3000/webhooks',
        'hookguard inbox list --redis-url redis://127.0.0.1:6379',
      ])}`,
    )

  secretOptions(
    program
      .command('sign')
      .description('Print the signature headers for a body, or a ready curl command.')
      .option('--body <file>', 'the body to sign; - or omitted: stdin')
      .addOption(schemeOption())
      .option('--timestamp <unix>', 'unix seconds to sign with (default: now)', integer(0))
      .option('--id <id>', 'the message or delivery id (generated when the scheme needs one)')
      .option('--url <url>', 'the URL the request goes to, for schemes that sign it')
      .option('--curl <url>', 'print a curl command that POSTs the signed body to this URL')
      .option('--json', 'print the headers as JSON'),
  )
    .addHelpText(
      'after',
      examples([
        'hookguard sign --secret-env WEBHOOK_SECRET --body event.json',
        'echo \'{"id":"evt_1","type":"order.created"}\' | hookguard sign --secret-env WEBHOOK_SECRET --json',
        'hookguard sign --scheme stripe --secret-env STRIPE_WEBHOOK_SECRET --body event.json --curl http://localhost:3000/webhooks',
      ]),
    )
    .action(async (flags) => {
      exitCode = await signCommand(flags, io)
    })

  secretOptions(
    program
      .command('send')
      .description('Send signed test events the way the sender does, and summarise the answers.')
      .argument('<url>', 'where to POST the events')
      .addOption(schemeOption())
      .option('--type <type>', "the event type (default: a typical one for the scheme's sender)")
      .option('--data <file>', "JSON for the event's data object; - for stdin")
      .option('--count <n>', 'how many distinct events', integer(1), 1)
      .option('--concurrency <n>', 'deliveries in flight at once', integer(1), 1)
      .option(
        '--duplicates <n>',
        'send this many of the events a second time (same id and body)',
        integer(0),
        0,
      )
      .option(
        '--retry <n>',
        'retry a delivery up to n times on 5xx, 409 or no answer, with backoff',
        integer(0),
        0,
      )
      .option(
        '--retry-delay <ms>',
        'first backoff delay; doubles each retry (Retry-After wins)',
        integer(0),
        500,
      )
      .option('--timeout <ms>', 'give up on an attempt after this long', integer(1), 10_000)
      .option('--no-progress', 'no progress bar (it only shows on a terminal anyway)')
      .option('--json', 'print the summary as JSON'),
  )
    .addHelpText(
      'after',
      `\nExit status: 0 when every delivery was answered 2xx, 1 otherwise.${examples([
        'hookguard send http://localhost:3000/webhooks --secret-env WEBHOOK_SECRET',
        'hookguard send http://localhost:3000/webhooks --scheme github --type issues.opened --data issue.json --secret-env GITHUB_WEBHOOK_SECRET',
        'hookguard send http://localhost:3000/webhooks --secret-env WEBHOOK_SECRET --count 500 --concurrency 20 --duplicates 50 --retry 5',
      ])}`,
    )
    .action(async (url: string, flags) => {
      exitCode = await sendCommand(url, flags, io, out)
    })

  secretOptions(
    program
      .command('verify')
      .description('Verify a captured request; with --explain, say why it fails and how to fix it.')
      .option('-H, --header <line>', "a header, 'Name: value' (repeat for each)", collect, [])
      .option('--headers <file>', "the headers: a JSON object or 'Name: value' lines")
      .option('--body <file>', 'the raw body; - or omitted: stdin')
      .addOption(schemeOption())
      .option('--url <url>', 'the full URL the sender called, for schemes that sign it')
      .option('--now <time>', 'check the timestamp as of this time (ISO date or unix seconds)')
      .option('--tolerance <seconds>', 'allowed clock difference (default 300)', integer(0))
      .option('--explain', 'diagnose a failure: findings, most likely first, each with its fix')
      .option('--json', 'print the result as JSON'),
  )
    .addHelpText(
      'after',
      `\nExit status: 0 valid, 1 invalid.${examples([
        "hookguard verify --explain -H 'x-webhook-timestamp: 1768478393' -H 'x-webhook-signature: v1=…' --body body.json --secret-env WEBHOOK_SECRET",
        'hookguard verify --explain --scheme stripe --headers headers.txt --body body.json --secret-file stripe.secret',
        'cat body.json | hookguard verify --explain --json --headers headers.json --secret-env WEBHOOK_SECRET',
      ])}`,
    )
    .action(async (flags) => {
      exitCode = await verifyCommand(flags, io, out)
    })

  secretOptions(
    program
      .command('listen')
      .description('Receive webhooks locally: verify, print, and optionally forward to your app.')
      .option('--port <port>', 'port to listen on (0: any free one)', integer(0), 4000)
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .option('--path <path>', 'only accept this path (default: any)')
      .addOption(schemeOption())
      .option('--tolerance <seconds>', 'allowed clock difference (default 300)', integer(0))
      .option('--forward <url>', 'pass verified deliveries on to this URL and relay its answer')
      .option('--json', 'print one JSON line per delivery'),
  )
    .addHelpText(
      'after',
      examples([
        'hookguard listen --port 4000 --secret-env WEBHOOK_SECRET',
        'hookguard listen --port 4000 --scheme stripe --secret-env STRIPE_WEBHOOK_SECRET --forward http://localhost:3000/webhooks',
      ]),
    )
    .action(async (flags) => {
      exitCode = await listenCommand(flags, io, out)
    })

  const inboxOptions = (command: Command): Command =>
    command
      .option('--redis-url <url>', 'the Redis of the inbox (default $REDIS_URL)')
      .option('--queue <name>', "the inbox's BullMQ queue (default webhooks)")
      .option('--prefix <prefix>', "the inbox's key prefix (default {hookguard})")
      .option('--json', 'print JSON')
  const inbox = program
    .command('inbox')
    .description('Operate a durable inbox (@hookguard/bullmq): list and replay dead letters.')
  inboxOptions(
    inbox
      .command('list')
      .description('List dead-lettered events, newest first.')
      .option('--limit <n>', 'at most this many', integer(1), 100),
  )
    .addHelpText(
      'after',
      examples([
        'hookguard inbox list --redis-url redis://127.0.0.1:6379',
        'REDIS_URL=redis://10.0.0.5:6379/2 hookguard inbox list --queue webhooks --json',
      ]),
    )
    .action(async (flags) => {
      exitCode = await inboxListCommand(flags, io, out)
    })
  inboxOptions(
    inbox
      .command('replay')
      .description('Run dead-lettered events again: one by its key, or all since a time.')
      .argument('[key]', 'the idempotency key, scheme:id (as `inbox list` shows it)')
      .option('--since <time>', 'replay every event dead-lettered since then (ISO date or unix s)'),
  )
    .addHelpText(
      'after',
      `\nExit status: 0 replayed (or --since), 1 no such dead letter.${examples([
        'hookguard inbox replay hookguard:evt_123 --redis-url redis://127.0.0.1:6379',
        'hookguard inbox replay --since 2026-12-01T00:00:00Z',
      ])}`,
    )
    .action(async (key: string | undefined, flags) => {
      exitCode = await inboxReplayCommand(key, flags, io, out)
    })

  try {
    await program.parseAsync(argv, { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE
    }
    if (error instanceof UsageError) {
      io.stderr.write(`${err.red(`error: ${error.message}`)}\n`)
      return EXIT.USAGE
    }
    io.stderr.write(`${err.red(`error: ${(error as Error).message}`)}\n`)
    return EXIT.REJECTED
  }
}
