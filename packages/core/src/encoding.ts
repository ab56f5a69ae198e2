const encoder = new TextEncoder()
// Non-fatal: a body with invalid UTF-8 still verifies (the HMAC covers its bytes);
// the decoder also drops a leading BOM so JSON.parse accepts the text.
const decoder = new TextDecoder('utf-8')

export const utf8Encode = (text: string): Uint8Array => encoder.encode(text)

export function utf8Decode(bytes: string | Uint8Array): string {
  if (typeof bytes !== 'string') return decoder.decode(bytes)
  return bytes.charCodeAt(0) === 0xfeff ? bytes.slice(1) : bytes
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function hexEncode(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number]
  return out
}

// Nibble values of '0'-'9' and 'a'-'f'; -1 for every other character below 128.
const NIBBLE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = 10 + i

const nibble = (code: number): number => (code < 128 ? (NIBBLE[code] as number) : -1)

/** Strict lowercase hex; anything else (odd length, A-F, other characters) is `undefined`. */
export function hexDecode(text: string): Uint8Array | undefined {
  const length = text.length
  if (length % 2 !== 0) return undefined
  const out = new Uint8Array(length >> 1)
  for (let i = 0, j = 0; i < length; i += 2, j++) {
    const hi = nibble(text.charCodeAt(i))
    const lo = nibble(text.charCodeAt(i + 1))
    if ((hi | lo) < 0) return undefined
    out[j] = (hi << 4) | lo
  }
  return out
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Strict padded standard base64; anything else is `undefined`. */
export function base64Decode(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

export function base64Encode(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number)
  return btoa(binary)
}
