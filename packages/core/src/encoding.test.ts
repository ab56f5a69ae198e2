import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  base64Decode,
  base64DecodeSignature,
  base64Encode,
  hexDecode,
  hexDecodeSignature,
  hexEncode,
} from './encoding.js'

// The reference: strict lower-case hex, decoded by Node.
const reference = (text: string) =>
  /^(?:[0-9a-f]{2})*$/.test(text) ? new Uint8Array(Buffer.from(text, 'hex')) : undefined

describe('hexDecode', () => {
  it('round-trips hexEncode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(hexDecode(hexEncode(bytes))).toEqual(bytes)
      }),
    )
  })

  it('agrees with the strict reference on any text, including near-hex and non-ASCII', () => {
    const nearHex = fc
      .array(fc.constantFrom(...'0123456789abcdefABCDEFgxz \u0660\u0130\uff10'), { maxLength: 66 })
      .map((chars) => chars.join(''))
    fc.assert(
      fc.property(fc.oneof(nearHex, fc.string({ maxLength: 66 })), (text) => {
        expect(hexDecode(text)).toEqual(reference(text))
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses upper case, odd lengths and characters whose low byte is a hex digit', () => {
    expect(hexDecode('AB')).toBeUndefined()
    expect(hexDecode('abc')).toBeUndefined()
    // U+0130 and U+0161 end in 0x30 and 0x61, the codes of '0' and 'a'.
    expect(hexDecode('\u0130\u0161')).toBeUndefined()
    expect(hexDecode('')).toEqual(new Uint8Array())
  })
})

describe('base64Decode', () => {
  // The reference: the strict padded pattern the decoder replaced, then atob.
  const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
  const reference = (text: string) =>
    STRICT.test(text) ? Uint8Array.from(atob(text), (c) => c.charCodeAt(0)) : undefined

  it('round-trips base64Encode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(base64Decode(base64Encode(bytes))).toEqual(bytes)
      }),
    )
  })

  it('agrees with the strict reference on near-base64 and arbitrary text', () => {
    const nearBase64 = fc
      .array(fc.constantFrom(...'AQgz09+/=-_ \n\u0141\u0100'), { maxLength: 14 })
      .map((chars) => chars.join(''))
    fc.assert(
      fc.property(fc.oneof(nearBase64, fc.string({ maxLength: 14 })), (text) => {
        expect(base64Decode(text)).toEqual(reference(text))
      }),
      { numRuns: 5000 },
    )
  })

  it('ignores bits after the last byte, as atob does, and refuses misplaced padding', () => {
    expect(base64Decode('QR==')).toEqual(new Uint8Array([65]))
    expect(base64Decode('QUI=')).toEqual(new Uint8Array([65, 66]))
    for (const bad of ['Q===', '====', 'A=B=', 'AB=C', 'QQ', 'QUJD\n', '\u0141QQ=']) {
      expect(base64Decode(bad), bad).toBeUndefined()
    }
  })
})

describe('signature decoding from the shared pool', () => {
  it('decodes exactly like the public functions', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ maxLength: 20 }),
        (bytes, text) => {
          expect(hexDecodeSignature(hexEncode(bytes))).toEqual(bytes)
          expect(base64DecodeSignature(base64Encode(bytes))).toEqual(bytes)
          expect(hexDecodeSignature(text)).toEqual(hexDecode(text))
          expect(base64DecodeSignature(text)).toEqual(base64Decode(text))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('never hands out overlapping bytes, across pool refills', () => {
    const decoded: Uint8Array[] = []
    // 32-byte values: 8 KiB pools hold 256 of them, so 1000 cross several refills.
    for (let i = 0; i < 1000; i++) {
      const value = hexDecodeSignature((i % 256).toString(16).padStart(2, '0').repeat(32))
      decoded.push(value as Uint8Array)
    }
    for (const value of decoded) value.fill(0xff)
    decoded[999]?.fill(0)
    expect(decoded[998]?.every((b) => b === 0xff)).toBe(true)
    expect(decoded[0]?.every((b) => b === 0xff)).toBe(true)
    const offsets = new Map<ArrayBufferLike, Set<number>>()
    for (const value of decoded) {
      const seen = offsets.get(value.buffer) ?? new Set<number>()
      expect(seen.has(value.byteOffset)).toBe(false)
      offsets.set(value.buffer, seen.add(value.byteOffset))
    }
    expect(offsets.size).toBeGreaterThan(1)
  })

  it('public decoders give every result its own buffer', () => {
    const a = hexDecode('abcd') as Uint8Array
    const b = base64Decode('q80=') as Uint8Array
    expect(a.buffer).not.toBe(b.buffer)
    expect(a.byteLength === a.buffer.byteLength && b.byteLength === b.buffer.byteLength).toBe(true)
  })
})
