const encoder = new TextEncoder()
// Non-fatal: a body with invalid UTF-8 still verifies (the HMAC covers its bytes);
// the decoder also drops a leading BOM so JSON.parse accepts the text.
const decoder = new TextDecoder('utf-8')

/**
 * A string's UTF-8 bytes.
 *
 * @example
 * utf8Encode('é') // Uint8Array [0xc3, 0xa9]
 */
export const utf8Encode = (text: string): Uint8Array => encoder.encode(text)

export function utf8Decode(bytes: string | Uint8Array): string {
  if (typeof bytes !== 'string') return decoder.decode(bytes)
  return bytes.charCodeAt(0) === 0xfeff ? bytes.slice(1) : bytes
}

// The two ASCII codes of each byte's hex digits, as one 16-bit number (high digit first).
const HEX_CODES = Uint16Array.from({ length: 256 }, (_, i) => {
  const digits = i.toString(16).padStart(2, '0')
  return (digits.charCodeAt(0) << 8) | digits.charCodeAt(1)
})

/**
 * Lower-case hex, the form signature headers carry. Written as ASCII codes and decoded once, so
 * the result is one flat string: 32 appends would leave a rope of 32 pieces (about 10x the heap,
 * kept for as long as a store keeps the fingerprint).
 *
 * @example
 * hexEncode(new Uint8Array([0xab, 0x01])) // 'ab01'
 */
export function hexEncode(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length * 2)
  for (let i = 0; i < bytes.length; i++) {
    const codes = HEX_CODES[bytes[i] as number] as number
    out[2 * i] = codes >> 8
    out[2 * i + 1] = codes & 0xff
  }
  return decoder.decode(out)
}

// Nibble values of '0'-'9' and 'a'-'f'; -1 for every other character below 128.
const NIBBLE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = 10 + i

const nibble = (code: number): number => (code < 128 ? (NIBBLE[code] as number) : -1)

// Signatures decoded from headers are views into a shared pool, as Node's Buffer.from does: a
// fresh ArrayBuffer per signature costs ~0.4 us, more than the rest of reading the headers.
// Keys and anything handed to callers get their own buffer.
const POOL_BYTES = 8 * 1024
const POOLED_MAX = 256
let pool = new ArrayBuffer(POOL_BYTES)
let poolOffset = 0

function pooledBytes(length: number): Uint8Array {
  if (length > POOLED_MAX) return new Uint8Array(length)
  if (poolOffset + length > POOL_BYTES) {
    pool = new ArrayBuffer(POOL_BYTES)
    poolOffset = 0
  }
  const bytes = new Uint8Array(pool, poolOffset, length)
  poolOffset += (length + 7) & ~7
  return bytes
}

const freshBytes = (length: number): Uint8Array => new Uint8Array(length)

function decodeHex(text: string, allocate: (length: number) => Uint8Array): Uint8Array | undefined {
  const length = text.length
  if (length % 2 !== 0) return undefined
  const out = allocate(length >> 1)
  for (let i = 0, j = 0; i < length; i += 2, j++) {
    const hi = nibble(text.charCodeAt(i))
    const lo = nibble(text.charCodeAt(i + 1))
    if ((hi | lo) < 0) return undefined
    out[j] = (hi << 4) | lo
  }
  return out
}

/**
 * Strict lowercase hex; anything else (odd length, A-F, other characters) is `undefined`.
 *
 * @example
 * hexDecode('ab01') // Uint8Array [0xab, 0x01]; hexDecode('AB01') // undefined
 */
export const hexDecode = (text: string): Uint8Array | undefined => decodeHex(text, freshBytes)

/** `hexDecode` for a signature read from a header: the result may share its `buffer`. */
export const hexDecodeSignature = (text: string): Uint8Array | undefined =>
  decodeHex(text, pooledBytes)

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
// Sextet values of the standard alphabet; -1 for every other character below 128 (and `=`).
const SEXTET = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) SEXTET[BASE64_ALPHABET.charCodeAt(i)] = i

const sextet = (code: number): number => (code < 128 ? (SEXTET[code] as number) : -1)

/*
 * Strict padded standard base64 (groups of four, `=` only as the last one or two characters);
 * anything else is `undefined`. Bits after the last byte are ignored, as `atob` does.
 */
function decodeBase64(
  text: string,
  allocate: (length: number) => Uint8Array,
): Uint8Array | undefined {
  const length = text.length
  if (length % 4 !== 0) return undefined
  let padding = 0
  if (length > 0 && text.charCodeAt(length - 1) === 61) {
    padding = text.charCodeAt(length - 2) === 61 ? 2 : 1
  }
  const out = allocate((length / 4) * 3 - padding)
  const full = padding === 0 ? length : length - 4
  let j = 0
  for (let i = 0; i < full; i += 4) {
    const a = sextet(text.charCodeAt(i))
    const b = sextet(text.charCodeAt(i + 1))
    const c = sextet(text.charCodeAt(i + 2))
    const d = sextet(text.charCodeAt(i + 3))
    if ((a | b | c | d) < 0) return undefined
    const n = (a << 18) | (b << 12) | (c << 6) | d
    out[j++] = n >> 16
    out[j++] = (n >> 8) & 0xff
    out[j++] = n & 0xff
  }
  if (padding > 0) {
    const a = sextet(text.charCodeAt(full))
    const b = sextet(text.charCodeAt(full + 1))
    const c = padding === 1 ? sextet(text.charCodeAt(full + 2)) : 0
    if ((a | b | c) < 0) return undefined
    const n = (a << 18) | (b << 12) | (c << 6)
    out[j++] = n >> 16
    if (padding === 1) out[j] = (n >> 8) & 0xff
  }
  return out
}

/**
 * Strict padded standard base64 (groups of four, `=` only as the last one or two characters);
 * anything else is `undefined`. Bits after the last byte are ignored, as `atob` does.
 *
 * @example
 * base64Decode('q80=') // Uint8Array [0xab, 0xcd]; base64Decode('q80') // undefined
 */
export const base64Decode = (text: string): Uint8Array | undefined => decodeBase64(text, freshBytes)

/** `base64Decode` for a signature read from a header: the result may share its `buffer`. */
export const base64DecodeSignature = (text: string): Uint8Array | undefined =>
  decodeBase64(text, pooledBytes)

/**
 * Padded standard base64.
 *
 * @example
 * base64Encode(new Uint8Array([0xab, 0xcd])) // 'q80='
 */
export function base64Encode(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number)
  return btoa(binary)
}
