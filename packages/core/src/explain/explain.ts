import { WebhookVerificationError } from '../errors.js'
import { type HeaderGetter, headerGetter } from '../headers.js'
import { rawBodyOf } from '../payload.js'
import { otherSchemesPresent } from '../schemes/present.js'
import { readRequest } from '../schemes/read-request.js'
import { resolveScheme } from '../schemes/registry.js'
import type { Scheme, SignedParts } from '../schemes/types.js'
import { normalizeSecrets } from '../secrets.js'
import { DEFAULT_TOLERANCE_SECONDS, type VerifyInput, verifyWebhook } from '../verify.js'
import {
  type BodyVariant,
  bodyVariants,
  type Cause,
  compressionOf,
  jsonVariants,
  payloadBytes,
  payloadText,
} from './body-variants.js'
import { clockFindings } from './clock.js'
import { finding, rankFindings } from './findings.js'
import { type SecretVariant, secretVariants } from './secret-variants.js'
import type { ExplainInput, Explanation, Finding } from './types.js'
import { signsUrl, type UrlVariant, urlVariants } from './url-variants.js'

type Outcome = 'match' | 'no-match' | 'bad-secret'

interface Context {
  headers: ExplainInput['headers']
  header: HeaderGetter
  url: string | undefined
  now: Date
  toleranceSeconds: number
}

/** One verification with the clock out of the way: did this secret sign this body? */
async function attempt(
  context: Context,
  scheme: Scheme,
  secret: string | Uint8Array,
  payload: string | Uint8Array,
  url: string | undefined,
): Promise<Outcome> {
  // `url` is passed as verify takes it, for the schemes that sign it.
  const input: VerifyInput & { url?: string } = {
    payload,
    headers: context.headers,
    secret,
    scheme,
    toleranceSeconds: Number.POSITIVE_INFINITY,
    ...(url === undefined ? {} : { url }),
  }
  try {
    await verifyWebhook(input)
    return 'match'
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return error.code === 'INVALID_PAYLOAD' ? 'match' : 'no-match'
    }
    if (error instanceof TypeError) return 'bad-secret'
    throw error
  }
}

interface Match {
  scheme: Scheme
  causes: Cause[]
  identity: boolean
  /** The body that matched: a scheme that signs fields inside it (Mailgun) reads its timestamp there. */
  payload: string | Uint8Array
}

interface Candidate {
  payload: string | Uint8Array
  secret: string | Uint8Array
  url: string | undefined
  causes: Cause[]
}

/**
 * The simplest combination of body, secret and URL variants that the sender's signature
 * matches: fewer undone mistakes first, at most two at once.
 */
async function search(
  context: Context,
  scheme: Scheme,
  secrets: ReadonlyArray<string | Uint8Array>,
  bodies: readonly BodyVariant[],
): Promise<{ match: Match | undefined; badSecret: boolean }> {
  const secretOptions: SecretVariant[] = secrets.flatMap((s) => secretVariants(scheme, s))
  const urls: UrlVariant[] = [{ url: context.url ?? '', causes: [] }]
  if (context.url !== undefined && signsUrl(scheme)) {
    urls.push(...urlVariants(scheme, context.url, context.header))
  }
  const candidates: Candidate[] = []
  for (const body of bodies) {
    for (const secret of secretOptions) {
      for (const url of urls) {
        const causes = [...body.causes, ...secret.causes, ...url.causes]
        // URL variants with body variants would multiply the trials for an unlikely pair.
        if (url.causes.length > 0 && body.causes.length > 0) continue
        if (causes.length > 2 && !(causes.length === 3 && url.causes.length === 0)) continue
        candidates.push({
          payload: body.payload,
          secret: secret.secret,
          url: context.url === undefined ? undefined : url.url,
          causes,
        })
      }
    }
  }
  // Stable: the variants' own order breaks ties.
  candidates.sort((a, b) => a.causes.length - b.causes.length)
  let badSecret = false
  for (const candidate of candidates) {
    const outcome = await attempt(
      context,
      scheme,
      candidate.secret,
      candidate.payload,
      candidate.url,
    )
    if (outcome === 'bad-secret' && candidate.causes.length === 0) badSecret = true
    if (outcome === 'match') {
      return {
        match: {
          scheme,
          causes: candidate.causes,
          identity: candidate.causes.length === 0,
          payload: candidate.payload,
        },
        badSecret,
      }
    }
  }
  return { match: undefined, badSecret }
}

function readParts(
  scheme: Scheme,
  header: HeaderGetter,
  url: string | undefined,
  payload: string | Uint8Array | undefined,
): { parts: SignedParts } | { error: WebhookVerificationError } {
  try {
    // As verify reads it (a scheme that signs fields inside the body reads the body first); a
    // parsed object stands for no body, whose variants the search tries instead.
    if (payload !== undefined) return { parts: readRequest(scheme, header, url, payload).parts }
    return { parts: scheme.read(header, { url }) }
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { error }
    return {
      error: new WebhookVerificationError(
        'INVALID_SIGNATURE',
        'The scheme could not read the headers',
      ),
    }
  }
}

function causeFindings(causes: readonly Cause[]): Finding[] {
  return causes.map((c) => finding(c.code, 'confirmed', c.message))
}

/** Findings once a signature matched: what was undone, then the clock. */
function matchFindings(context: Context, match: Match): Finding[] {
  const out = causeFindings(match.causes)
  const read = readParts(match.scheme, context.header, context.url, match.payload)
  const timestamp = 'parts' in read ? read.parts.timestamp : undefined
  if (timestamp !== undefined) {
    out.push(...clockFindings(timestamp, context.now, context.toleranceSeconds))
  }
  return out
}

/** Evidence about the body when no variant reproduces the signature. */
function bodyEvidence(payload: string | Uint8Array, header: HeaderGetter): Finding[] {
  const out: Finding[] = []
  const bytes = payloadBytes(payload)
  const text = payloadText(payload)
  if (bytes.byteLength === 0) {
    out.push(
      finding(
        'BODY_EMPTY',
        'likely',
        'The body is empty: it was probably read (parsed) before verification and nothing was left',
      ),
    )
  }
  if (/^\[object \w+\]$/.test(text)) {
    out.push(
      finding(
        'BODY_NOT_RAW',
        'confirmed',
        `The body is the text "${text}": a parsed object was turned into a string instead of passing the raw body`,
      ),
    )
  }
  const compression = compressionOf(typeof payload === 'string' ? bytes : payload, header)
  if (compression) {
    out.push(
      finding(
        'BODY_COMPRESSED',
        'likely',
        `The body is ${compression === 'other' ? `encoded (Content-Encoding: ${header('content-encoding')})` : `${compression}-compressed`}: the sender signs the uncompressed bytes`,
      ),
    )
  }
  const declared = header('content-length')
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) !== bytes.byteLength) {
    out.push(
      finding(
        'BODY_LENGTH_MISMATCH',
        'likely',
        `The body is ${bytes.byteLength} bytes but Content-Length says ${declared}: the body was changed after it arrived`,
      ),
    )
  }
  if (/Ã[\u0080-\u00bf]|â€/.test(text)) {
    out.push(
      finding(
        'BODY_CHARSET',
        'likely',
        'The body contains mojibake (such as "Ã©"): UTF-8 bytes were decoded with another charset',
      ),
    )
  } else if (text.includes('\uFFFD')) {
    out.push(
      finding(
        'BODY_CHARSET',
        'possible',
        'The body contains U+FFFD replacement characters: bytes that were not UTF-8 were decoded as text',
      ),
    )
  }
  return out
}

function describeReadError(error: WebhookVerificationError, scheme: Scheme): Finding {
  if (error.code === 'MISSING_HEADER') {
    return finding('HEADER_MISSING', 'confirmed', `${error.message} (scheme ${scheme.name})`)
  }
  if (error.code === 'INVALID_TIMESTAMP') {
    return finding('TIMESTAMP_FORMAT', 'confirmed', error.message)
  }
  return finding('SIGNATURE_MALFORMED', 'confirmed', error.message)
}

function checkInput(input: ExplainInput): void {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('explain() takes an object with payload, headers and secret')
  }
  if (typeof input.headers !== 'object' || input.headers === null) {
    throw new TypeError('headers must be a Headers object or a plain object of header values')
  }
  const { toleranceSeconds, now, url } = input
  if (toleranceSeconds !== undefined && !(toleranceSeconds >= 0)) {
    throw new TypeError('toleranceSeconds must be a number >= 0')
  }
  if (now !== undefined && (!(now instanceof Date) || Number.isNaN(now.getTime()))) {
    throw new TypeError('now must be a valid Date')
  }
  if (url !== undefined && typeof url !== 'string') throw new TypeError('url must be a string')
}

/**
 * Says why a webhook fails verification: a verdict and findings, most likely first, each with a
 * stable code, a one-line message and the fix. It retries the check with the usual mistakes
 * undone (re-serialised JSON, a newline or BOM, the secret's form, another scheme, a compressed
 * body, the URL a URL-signing sender called) and reads the clock. It never reports a secret or
 * a signature. Slower than `verify` by design: call it on failures, in development.
 *
 * @example
 * const { verdict, findings } = await explain({ payload: rawBody, headers, secret })
 * if (verdict === 'invalid') console.warn(findings[0]?.code, findings[0]?.message, findings[0]?.fix)
 */
export async function explain(input: ExplainInput): Promise<Explanation> {
  checkInput(input)
  const scheme = resolveScheme(input.scheme)
  const secrets = normalizeSecrets(input.secret)
  const header = headerGetter(input.headers)
  const context: Context = {
    headers: input.headers,
    header,
    url: input.url,
    now: input.now ?? new Date(),
    // As verify: the sender's own window (Linear 60 s, Mailgun 8 h) unless one is given.
    toleranceSeconds:
      input.toleranceSeconds ?? scheme.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  }
  const { payload } = input
  const raw = rawBodyOf(payload)

  let error: WebhookVerificationError | undefined
  let misuse = false
  try {
    const checked: VerifyInput & { url?: string } = {
      payload: payload as string,
      headers: input.headers,
      secret: secrets as Array<string | Uint8Array>,
      scheme,
      toleranceSeconds: context.toleranceSeconds,
      now: context.now,
      ...(input.url === undefined ? {} : { url: input.url }),
    }
    await verifyWebhook(checked)
    return { verdict: 'valid', scheme: scheme.name, findings: [] }
  } catch (caught) {
    if (caught instanceof WebhookVerificationError) error = caught
    else if (caught instanceof TypeError) misuse = true
    else throw caught
  }

  const findings: Finding[] = []
  let bodies: BodyVariant[]
  if (raw === undefined) {
    if (payload === undefined || payload === null || payload === '') {
      findings.push(
        finding(
          'BODY_EMPTY',
          'confirmed',
          'No body was passed: it was never read, or read by something else first',
        ),
      )
      bodies = []
    } else {
      findings.push(
        finding(
          'BODY_PARSED',
          'confirmed',
          `The body was passed as a parsed ${Array.isArray(payload) ? 'array' : typeof payload}, not the raw bytes: signatures cover the exact bytes sent`,
        ),
      )
      bodies = jsonVariants(payload, undefined)
    }
  } else {
    bodies = [{ payload: raw, causes: [] }, ...(await bodyVariants(raw, header))]
  }

  const read = readParts(scheme, header, context.url, raw ?? bodies[0]?.payload)
  const others = otherSchemesPresent(scheme, header)
  let matched = false
  if ('parts' in read && bodies.length > 0) {
    const { match, badSecret } = await search(context, scheme, secrets, bodies)
    // A URL-signing scheme refuses a check without a URL (a TypeError, like a malformed
    // secret): URL_MISSING names that cause instead.
    const urlMissing = signsUrl(scheme) && input.url === undefined
    if ((badSecret || misuse) && !urlMissing) {
      findings.push(
        finding(
          'SECRET_MALFORMED',
          match ? 'likely' : 'confirmed',
          `The secret is not in a form the ${scheme.name} scheme accepts`,
        ),
      )
    }
    if (match) {
      matched = true
      const found = matchFindings(context, match)
      if (found.length === 0 && error?.code === 'INVALID_PAYLOAD') {
        found.push(finding('BODY_NOT_JSON', 'confirmed', error.message))
      }
      findings.push(...found)
    }
  } else if ('error' in read && others.length === 0) {
    findings.push(describeReadError(read.error, scheme))
  }

  if (!matched) {
    for (const other of others) {
      const found =
        bodies.length > 0 ? (await search(context, other, secrets, bodies)).match : undefined
      findings.push(
        finding(
          'SCHEME_MISMATCH',
          found ? 'confirmed' : 'likely',
          found
            ? `This is a valid ${other.name} webhook, but the configured scheme is ${scheme.name}`
            : `The request carries ${other.name} headers, but the configured scheme is ${scheme.name}`,
        ),
      )
      if (found) {
        findings.push(...matchFindings(context, found))
        matched = true
        break
      }
    }
  }

  if (!matched && 'parts' in read) {
    if (raw !== undefined) findings.push(...bodyEvidence(raw, header))
    if (signsUrl(scheme) && input.url === undefined) {
      findings.push(
        finding(
          'URL_MISSING',
          'likely',
          `The ${scheme.name} scheme signs the URL, and none was given`,
        ),
      )
    }
    findings.push(
      finding(
        'SECRET_MISMATCH',
        'possible',
        'No common mistake reproduces the signature: most likely the secret is not the one the sender used',
      ),
    )
  }

  return {
    verdict: 'invalid',
    scheme: scheme.name,
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
    findings: rankFindings(findings),
  }
}
