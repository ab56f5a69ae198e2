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

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48 // 0-9
  if (code >= 97 && code <= 102) return code - 87 // a-f
  return -1
}

/** Strict lowercase hex; anything else (odd length, A-F, other characters) is `undefined`. */
export function hexDecode(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(text.charCodeAt(2 * i))
    const lo = nibble(text.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) return undefined
    out[i] = (hi << 4) | lo
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
