import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hexDecode, hexEncode } from './encoding.js'

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
