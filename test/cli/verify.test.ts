import { join } from 'node:path'
import { bodyBytes, type Fixture, fixture, fixtures } from '@hookguard/test-kit/explain-corpus'
import { describe, expect, it } from 'vitest'
import { hookguard, scratch } from './run.js'

/** The corpus case as files: headers.json, body, and the secret in an env variable. */
function filesFor(f: Fixture) {
  const dir = scratch({ 'headers.json': JSON.stringify(f.request.headers), body: bodyBytes(f) })
  return {
    args: [
      '--scheme',
      f.scheme,
      '--headers',
      join(dir, 'headers.json'),
      '--body',
      join(dir, 'body'),
      '--now',
      f.now,
      '--secret-env',
      'CASE_SECRET',
      ...(f.url === undefined ? [] : ['--url', f.url]),
    ],
    env: { CASE_SECRET: f.secret },
    dir,
  }
}

describe('hookguard verify --explain over the corpus', () => {
  // A parsed object cannot reach a command line: those cases are the API's alone.
  const cases = fixtures.filter((f) => f.parsedPayload === undefined)

  it.concurrent.each(cases.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const { args, env } = filesFor(f)
    const result = await hookguard(['verify', '--explain', '--json', ...args], { env })
    const explanation = JSON.parse(result.stdout)
    if (f.expect === 'valid') {
      expect(result.code).toBe(0)
      expect(explanation.verdict).toBe('valid')
    } else {
      expect(result.code).toBe(1)
      expect(explanation.findings[0].code).toBe(f.expect)
    }
    expect(result.stdout).not.toContain(f.secret.trim().replace(/^"|"$/g, ''))
  })
})

describe('hookguard verify', () => {
  const reserialized = fixture('stripe-express-json-reserialized')
  const valid = fixture('valid-stripe')

  it('prints the diagnosis for people: verdict, findings with their fix, exit 1', async () => {
    const { args, env } = filesFor(reserialized)
    const result = await hookguard(['verify', '--explain', ...args], { env })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^✗ invalid {2}stripe {2}INVALID_SIGNATURE/)
    expect(result.stdout).toContain('1. BODY_RESERIALIZED (confirmed)')
    expect(result.stdout).toContain('fix: Verify the raw request bytes')
    // Piped: no colour.
    expect(result.stdout).not.toContain('\u001b[')
  })

  it('without --explain says valid or invalid, and points at --explain', async () => {
    const ok = filesFor(valid)
    const good = await hookguard(['verify', ...ok.args], { env: ok.env })
    expect(good.code).toBe(0)
    expect(good.stdout).toBe(
      `✓ valid  stripe  payment_intent.succeeded  evt_1QXb2cLkdIwHu7ix3Y0pQ9sT\n`,
    )
    const bad = filesFor(reserialized)
    const rejected = await hookguard(['verify', ...bad.args], { env: bad.env })
    expect(rejected.code).toBe(1)
    expect(rejected.stdout).toContain('INVALID_SIGNATURE')
    expect(rejected.stderr).toContain('--explain')
    const json = await hookguard(['verify', '--json', ...bad.args], { env: bad.env })
    expect(JSON.parse(json.stdout)).toEqual({
      verdict: 'invalid',
      scheme: 'stripe',
      error: { error: 'No signature matched the payload', code: 'INVALID_SIGNATURE' },
    })
    const validJson = await hookguard(['verify', '--json', ...ok.args], { env: ok.env })
    expect(JSON.parse(validJson.stdout)).toEqual({
      verdict: 'valid',
      scheme: 'stripe',
      id: 'evt_1QXb2cLkdIwHu7ix3Y0pQ9sT',
      type: 'payment_intent.succeeded',
    })
  })

  it('takes -H flags, an HTTP-style headers file, the body on stdin and --secret-file', async () => {
    const f = fixture('valid-github')
    const dir = scratch({
      'headers.txt': `POST /webhooks HTTP/1.1\n${Object.entries(f.request.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n`,
      'secret.txt': `${f.secret}\n`,
    })
    const fromFile = await hookguard(
      [
        'verify',
        '--scheme',
        'github',
        '--headers',
        join(dir, 'headers.txt'),
        '--secret-file',
        join(dir, 'secret.txt'),
      ],
      { stdin: f.request.body },
    )
    expect(fromFile.code).toBe(0)
    expect(fromFile.stdout).toContain('✓ valid  github  issues.opened')
    const flags = Object.entries(f.request.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`])
    const fromFlags = await hookguard(
      [
        'verify',
        '--explain',
        '--json',
        '--scheme',
        'github',
        ...flags,
        '--body',
        '-',
        '--secret',
        f.secret,
      ],
      { stdin: f.request.body },
    )
    expect(fromFlags.code).toBe(0)
    expect(JSON.parse(fromFlags.stdout).verdict).toBe('valid')
  })

  it('checks the clock: --now and --tolerance', async () => {
    const f = fixture('stripe-clock-skew')
    const { args, env } = filesFor(f)
    const skewed = await hookguard(['verify', ...args], { env })
    expect(skewed.code).toBe(1)
    expect(skewed.stdout).toContain('TIMESTAMP_EXPIRED')
    const tolerant = await hookguard(['verify', ...args, '--tolerance', '3600'], { env })
    expect(tolerant.code).toBe(0)
  })

  it('passes --url to the check for the schemes that sign it', async () => {
    const f = valid
    const { args, env } = filesFor(f)
    const result = await hookguard(
      ['verify', '--explain', '--json', ...args, '--url', 'https://example.com/webhooks'],
      { env },
    )
    expect(result.code).toBe(0)
  })
})

describe('usage errors: one line on stderr, exit 2', () => {
  const f = fixture('valid-hookguard')
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      'a misspelt flag',
      ['verify', '--sekret', 'x'],
      {},
      /unknown option '--sekret' \(Did you mean --secret\?\)/,
    ],
    [
      'an unknown scheme',
      ['verify', '--scheme', 'acme'],
      {},
      /argument 'acme' is invalid. Allowed choices are hookguard, /,
    ],
    [
      'no secret',
      ['verify', '-H', 'x-webhook-signature: v1=00'],
      {},
      /no secret: use --secret-env NAME/,
    ],
    [
      'an unset secret variable',
      ['verify', '--secret-env', 'NOPE_NOT_SET', '-H', 'a: b'],
      {},
      /the variable NOPE_NOT_SET is not set/,
    ],
    [
      'two secret sources',
      ['verify', '--secret', 'a', '--secret-env', 'B'],
      { B: 'b' },
      /give the secret once/,
    ],
    [
      'a missing body file',
      ['verify', '--secret', 's', '-H', 'a: b', '--body', '/nonexistent/body'],
      {},
      /cannot read --body \/nonexistent\/body: ENOENT/,
    ],
    [
      'a malformed -H',
      ['verify', '--secret', 's', '-H', 'no colon here'],
      {},
      /-H: expected "Name: value"/,
    ],
    ['no headers', ['verify', '--secret', 's'], {}, /no headers/],
    [
      'a bad number',
      ['send', 'http://127.0.0.1:1/', '--secret', 's', '--count', 'many'],
      {},
      /option '--count <n>' argument 'many' is invalid. expected a whole number >= 1/,
    ],
    [
      'a non-http URL',
      ['send', 'ftp://example.com/', '--secret', 's'],
      {},
      /is not an http\(s\) URL/,
    ],
    ['an unknown command', ['verfy'], {}, /unknown command 'verfy'/],
    [
      'more duplicates than events',
      ['send', 'http://127.0.0.1:1/', '--secret', 's', '--count', '2', '--duplicates', '3'],
      {},
      /--duplicates cannot exceed --count/,
    ],
    [
      'a bad --now',
      ['verify', '--secret', 's', '-H', 'a: b', '--body', '-', '--now', 'yesterday'],
      {},
      /--now: expected an ISO date/,
    ],
  ]
  it.concurrent.each(cases)('%s', async (_name, args, env, message) => {
    const result = await hookguard(args, { env, stdin: f.request.body })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(result.stdout).toBe('')
  })

  it('--help shows examples for every command and exits 0', async () => {
    for (const command of [[], ['sign'], ['send'], ['verify'], ['listen']]) {
      const result = await hookguard([...command, '--help'])
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('Examples:')
      expect(result.stdout).toContain('$ hookguard')
    }
    const version = await hookguard(['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
