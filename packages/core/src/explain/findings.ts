import type { Confidence, Finding, FindingCode } from './types.js'

const RAW_BODY_FIX =
  'Verify the raw request bytes: read the body before any parser runs (express.raw() on the webhook route, await request.text() in fetch handlers)'

/**
 * Every finding code with its fix, in the order findings of equal confidence are listed
 * (the more common cause first).
 *
 * @example
 * FINDING_CODES.BODY_RESERIALIZED.fix // 'Verify the raw request bytes: …'
 */
export const FINDING_CODES: Readonly<Record<FindingCode, { readonly fix: string }>> = {
  SCHEME_MISMATCH: {
    fix: 'Configure the scheme that matches the sender (the message names it), or point the sender at the right endpoint',
  },
  BODY_PARSED: { fix: RAW_BODY_FIX },
  BODY_NOT_RAW: { fix: RAW_BODY_FIX },
  BODY_EMPTY: {
    fix: 'Read the body once, as raw bytes, before any other middleware consumes the stream',
  },
  BODY_RESERIALIZED: { fix: RAW_BODY_FIX },
  BODY_COMPRESSED: {
    fix: 'Decompress the body (Content-Encoding) before verifying: the sender signs the uncompressed bytes',
  },
  BODY_CHARSET: {
    fix: 'Keep the body as bytes (or decode it as UTF-8); do not decode it as latin1/binary before verifying',
  },
  BODY_NEWLINE_ADDED: {
    fix: 'Verify the bytes exactly as received; if you replay a saved body, save it without a final newline (curl --data-binary @file keeps the file as is)',
  },
  BODY_NEWLINE_STRIPPED: {
    fix: 'Do not trim the body before verifying: the final newline is part of the signed bytes',
  },
  BODY_LINE_ENDINGS: {
    fix: 'Keep line endings as sent: no CRLF conversion (git autocrlf, an editor, a text-mode read) of the body',
  },
  BODY_BOM_ADDED: {
    fix: 'Remove the byte-order mark that was added (an editor saving "UTF-8 with BOM"), or capture the body as bytes',
  },
  BODY_BOM_STRIPPED: {
    fix: 'Keep the byte-order mark: verify the raw bytes, not text from a decoder that drops it (TextDecoder, Buffer#toString)',
  },
  BODY_LENGTH_MISMATCH: {
    fix: 'Something between the sender and your code changed the body (a proxy, a parser, a body-size limit): verify the bytes as they arrived',
  },
  BODY_NOT_JSON: {
    fix: 'The signature is valid: give the scheme the body it expects (JSON, or the form fields for form-encoded senders), or a custom scheme with its own parse()',
  },
  SECRET_WHITESPACE: {
    fix: 'Trim the secret where it is loaded (a trailing newline from a file or `echo` is the usual cause)',
  },
  SECRET_QUOTED: {
    fix: 'Remove the quotes around the secret (docker --env-file and some .env loaders keep them)',
  },
  SECRET_PREFIX_MISSING: {
    fix: 'Use the whole secret as the sender shows it, including its whsec_ prefix',
  },
  SECRET_RAW_STRING: {
    fix: 'The sender signs with the secret string as-is (UTF-8): use a scheme that does, or pass the secret as bytes (new TextEncoder().encode(secret))',
  },
  SECRET_BASE64_DECODED: {
    fix: 'The sender signs with the base64-decoded secret: use a scheme that decodes it (standard-webhooks, svix), or pass the decoded bytes as the secret',
  },
  SECRET_MALFORMED: {
    fix: 'Copy the secret again from the sender, in the form this scheme expects',
  },
  TIMESTAMP_MILLISECONDS: {
    fix: 'The sender must send unix seconds (Math.floor(Date.now() / 1000)), not milliseconds',
  },
  TIMESTAMP_TIMEZONE: {
    fix: "The sender must send unix time (UTC), not its local time; check the sender's time-zone handling",
  },
  CLOCK_SKEW: {
    fix: 'Synchronise the clocks (NTP) on the sender and this machine, or raise toleranceSeconds',
  },
  TIMESTAMP_STALE: {
    fix: 'A replayed capture or a late redelivery: re-sign it (hookguard sign), or pass `now` to check it as of when it was sent',
  },
  TIMESTAMP_FORMAT: {
    fix: 'The timestamp header must be whole unix seconds; check that the sender and the configured scheme agree',
  },
  HEADER_MISSING: {
    fix: 'Make sure the sender signs this endpoint and nothing in between (proxy, CDN, load balancer) drops the header',
  },
  SIGNATURE_MALFORMED: {
    fix: 'Pass the signature header exactly as received; check that the scheme matches the sender',
  },
  URL_MISSING: {
    fix: 'Pass `url`: the full URL the sender called (this scheme signs it)',
  },
  URL_PROTOCOL: {
    fix: 'Build the URL with the protocol the sender used (behind a TLS-terminating proxy: https, from X-Forwarded-Proto or a configured public base URL)',
  },
  URL_HOST: {
    fix: 'Build the URL with the public host the sender called (from X-Forwarded-Host or a configured public base URL), not the internal one',
  },
  URL_PORT: {
    fix: 'Build the URL with the port as the sender wrote it (usually none: the default port is not part of the URL)',
  },
  URL_TRAILING_SLASH: {
    fix: 'Use the path exactly as the sender called it, trailing slash included or not; check router or proxy rewrites',
  },
  URL_QUERY_ORDER: {
    fix: 'Keep the query string exactly as received (same order and encoding); do not rebuild it from parsed parameters',
  },
  SECRET_MISMATCH: {
    fix: 'Check that the secret is the one for this endpoint and mode (test vs live, per-endpoint secrets, a rotated secret)',
  },
}

const ORDER = Object.keys(FINDING_CODES) as FindingCode[]
const RANK: Record<Confidence, number> = { confirmed: 0, likely: 1, possible: 2 }

/** A finding with its fix from the table. */
export function finding(code: FindingCode, confidence: Confidence, message: string): Finding {
  return { code, confidence, message, fix: FINDING_CODES[code].fix }
}

/** Most likely first: confirmed, likely, possible; then the table's order. One per code. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<FindingCode>()
  return [...findings]
    .sort(
      (a, b) =>
        RANK[a.confidence] - RANK[b.confidence] || ORDER.indexOf(a.code) - ORDER.indexOf(b.code),
    )
    .filter((f) => !seen.has(f.code) && seen.add(f.code))
}
