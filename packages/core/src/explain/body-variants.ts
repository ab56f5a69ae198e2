import { utf8Encode } from '../encoding.js'
import type { HeaderGetter } from '../headers.js'
import { decompress } from './decompress.js'
import type { FindingCode } from './types.js'

/** A mistake that, undone, gives a candidate for the bytes the sender signed. */
export interface Cause {
  code: FindingCode
  message: string
}

/** A candidate for the signed bytes, with the causes that turned it into what we received. */
export interface BodyVariant {
  payload: string | Uint8Array
  causes: Cause[]
}

const BOM = '\uFEFF'
// ignoreBOM keeps a leading BOM in the text, so that adding or removing one can be tried.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** The payload as text, BOM kept. */
export function payloadText(payload: string | Uint8Array): string {
  return typeof payload === 'string' ? payload : decoder.decode(payload)
}

export function payloadBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? utf8Encode(payload) : payload
}

interface JsonForm {
  label: string
  serialize(value: unknown): string
}

function escapeNonAscii(text: string): string {
  return text.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** JSON with chosen separators: what Python's json.dumps and PHP's json_encode write. */
function separated(value: unknown, item: string, key: string): string {
  if (Array.isArray(value)) return `[${value.map((v) => separated(v, item, key)).join(item)}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([k, v]) => `${JSON.stringify(k)}${key}${separated(v, item, key)}`,
    )
    return `{${entries.join(item)}}`
  }
  return JSON.stringify(value) ?? 'null'
}

// The serialisations a body commonly goes through on its way to a failed check.
const JSON_FORMS: readonly JsonForm[] = [
  { label: 'compact (as JSON.stringify writes it)', serialize: (v) => JSON.stringify(v) },
  { label: 'with 2-space indentation', serialize: (v) => JSON.stringify(v, null, 2) },
  { label: 'with 4-space indentation', serialize: (v) => JSON.stringify(v, null, 4) },
  { label: 'with tab indentation', serialize: (v) => JSON.stringify(v, null, '\t') },
  {
    label: "as Python's json.dumps writes it",
    serialize: (v) => escapeNonAscii(separated(v, ', ', ': ')),
  },
  {
    label: "as Python's json.dumps(ensure_ascii=False) writes it",
    serialize: (v) => separated(v, ', ', ': '),
  },
  {
    label: "as PHP's json_encode writes it",
    serialize: (v) => escapeNonAscii(JSON.stringify(v)).replaceAll('/', '\\/'),
  },
]

/** The same JSON value serialised in each common form, with and without a final newline. */
export function jsonVariants(value: unknown, received: string | undefined): BodyVariant[] {
  const out: BodyVariant[] = []
  for (const form of JSON_FORMS) {
    const text = form.serialize(value)
    for (const [suffix, note] of [
      ['', ''],
      ['\n', ' and a final newline'],
    ] as const) {
      if (text + suffix === received) continue
      out.push({
        payload: text + suffix,
        causes: [
          {
            code: 'BODY_RESERIALIZED',
            message: `The signature matches the same JSON written ${form.label}${note}: the body was parsed and serialised again before verification`,
          },
        ],
      })
    }
  }
  return out
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text.startsWith(BOM) ? text.slice(1) : text) }
  } catch {
    return undefined
  }
}

function isForm(text: string, header: HeaderGetter): boolean {
  if (/^application\/x-www-form-urlencoded\b/i.test(header('content-type') ?? '')) return true
  return /^[\w.%+-]+=[^&]*(&[\w.%+-]+=[^&]*)*$/.test(text)
}

/** Latin-1 bytes of a text whose characters are all below U+0100, else undefined. */
export function latin1Bytes(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0xff) return undefined
    bytes[i] = code
  }
  return bytes
}

/** Which compression the bytes or the headers show: gzip and zlib by their magic bytes. */
export function compressionOf(
  bytes: Uint8Array,
  header: HeaderGetter,
): 'gzip' | 'deflate' | 'deflate-raw' | 'other' | undefined {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip'
  const [a = 0, b = 0] = bytes
  if ((a & 0x0f) === 8 && ((a << 8) | b) % 31 === 0) return 'deflate'
  const encoding = (header('content-encoding') ?? '').toLowerCase()
  if (encoding === '' || encoding === 'identity') return undefined
  return encoding.includes('deflate') ? 'deflate-raw' : 'other'
}

/**
 * Candidates for the bytes the sender signed, given the body we received: each undoes one
 * common mistake. The received body itself is not among them.
 */
export async function bodyVariants(
  payload: string | Uint8Array,
  header: HeaderGetter,
): Promise<BodyVariant[]> {
  const text = payloadText(payload)
  const out: BodyVariant[] = []
  const add = (candidate: string | Uint8Array, code: FindingCode, message: string) =>
    out.push({ payload: candidate, causes: [{ code, message }] })

  if (text.startsWith(BOM)) {
    add(
      text.slice(1),
      'BODY_BOM_ADDED',
      'The signature matches the body without its leading byte-order mark: a BOM was added after signing',
    )
  } else if (text !== '') {
    add(
      BOM + text,
      'BODY_BOM_STRIPPED',
      'The signature matches the body with a leading byte-order mark: the BOM the sender sent was dropped when the body was decoded',
    )
  }

  const newline = text.endsWith('\r\n') ? 2 : text.endsWith('\n') ? 1 : 0
  if (newline > 0) {
    add(
      text.slice(0, -newline),
      'BODY_NEWLINE_ADDED',
      'The signature matches the body without its final newline: a newline was added after signing',
    )
  } else if (text !== '') {
    for (const end of ['\n', '\r\n']) {
      add(
        text + end,
        'BODY_NEWLINE_STRIPPED',
        `The signature matches the body with a final ${end === '\n' ? 'newline' : 'CRLF'}: the body was trimmed before verification`,
      )
    }
  }

  if (text.includes('\r\n')) {
    add(
      text.replaceAll('\r\n', '\n'),
      'BODY_LINE_ENDINGS',
      'The signature matches the body with LF line endings: its line endings were converted to CRLF',
    )
  } else if (text.includes('\n')) {
    add(
      text.replaceAll('\n', '\r\n'),
      'BODY_LINE_ENDINGS',
      'The signature matches the body with CRLF line endings: its line endings were converted to LF',
    )
  }

  const json = parseJson(text)
  if (json) out.push(...jsonVariants(json.value, text))
  else if (isForm(text, header)) {
    const reencoded = [text.replaceAll('+', '%20'), text.replaceAll('%20', '+')]
    for (const candidate of reencoded) {
      if (candidate !== text) {
        add(
          candidate,
          'BODY_RESERIALIZED',
          'The signature matches the form fields encoded differently: the form body was parsed and encoded again before verification',
        )
      }
    }
  }

  // Non-ASCII text whose every character is below U+0100: bytes decoded as latin1 ("binary").
  if (/[\u0080-\u00ff]/.test(text)) {
    const original = latin1Bytes(text)
    if (original) {
      add(
        original,
        'BODY_CHARSET',
        'The signature matches the body read as bytes: it was decoded as latin1 ("binary") and re-encoded as UTF-8',
      )
    }
  }

  const bytes = typeof payload === 'string' ? latin1Bytes(payload) : payload
  const format = bytes && compressionOf(bytes, header)
  if (bytes && format && format !== 'other') {
    const inflated = await decompress(bytes, format)
    if (inflated) {
      add(
        inflated,
        'BODY_COMPRESSED',
        `The signature matches the ${format === 'gzip' ? 'gunzipped' : 'inflated'} body: the body was verified while still ${format === 'gzip' ? 'gzip' : 'deflate'}-compressed`,
      )
    }
  }
  return out
}
