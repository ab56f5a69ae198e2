/** Bytes of a SHA-256 fingerprint: what the processor passes as 64 lower-case hex digits. */
export const PRINT_BYTES = 32

const HEX_DIGITS = PRINT_BYTES * 2
// Nibble values of '0'-'9' and 'a'-'f'; -1 for every other code below 128.
const NIBBLE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = 10 + i

const nibble = (code: number): number => (code < 128 ? (NIBBLE[code] as number) : -1)

/**
 * Writes a 64-digit lower-case hex fingerprint as its 32 bytes at `offset`; `false` (and nothing
 * promised about the bytes) for any other string, which the store then keeps as text.
 *
 * @example
 * writePrint(bytes, 0, 'ab'.repeat(32)) // true; bytes[0..31] are 0xab
 */
export function writePrint(bytes: Uint8Array, offset: number, print: string): boolean {
  if (print.length !== HEX_DIGITS) return false
  for (let i = 0; i < PRINT_BYTES; i++) {
    const hi = nibble(print.charCodeAt(2 * i))
    const lo = nibble(print.charCodeAt(2 * i + 1))
    if ((hi | lo) < 0) return false
    bytes[offset + i] = (hi << 4) | lo
  }
  return true
}

/**
 * Whether `print` is the 64-digit lower-case hex form of the 32 bytes at `offset`.
 *
 * @example
 * samePrint(bytes, 0, 'ab'.repeat(32)) // true after the writePrint above
 */
export function samePrint(bytes: Uint8Array, offset: number, print: string): boolean {
  if (print.length !== HEX_DIGITS) return false
  for (let i = 0; i < PRINT_BYTES; i++) {
    const hi = nibble(print.charCodeAt(2 * i))
    const lo = nibble(print.charCodeAt(2 * i + 1))
    if ((hi | lo) < 0 || bytes[offset + i] !== ((hi << 4) | lo)) return false
  }
  return true
}
