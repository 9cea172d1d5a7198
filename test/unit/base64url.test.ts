import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64url, encodeBase64url, encodeBase64urlPortably } from '../../src/http/base64url.ts'

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)

// RFC 4648 section 10's vectors, unpadded (section 3.2 lets a specification drop the padding), and bytes whose
// standard base64 has "+" and "/", which base64url spells "-" and "_" (section 5).
const VECTORS = [
  { label: '""', data: ascii(''), text: '' },
  { label: '"f"', data: ascii('f'), text: 'Zg' },
  { label: '"fo"', data: ascii('fo'), text: 'Zm8' },
  { label: '"foo"', data: ascii('foo'), text: 'Zm9v' },
  { label: '"foob"', data: ascii('foob'), text: 'Zm9vYg' },
  { label: '"fooba"', data: ascii('fooba'), text: 'Zm9vYmE' },
  { label: '"foobar"', data: ascii('foobar'), text: 'Zm9vYmFy' },
  // RFC 4648 section 9's examples: 0x14fb9c03d97e is "FPucA9l+" in base64.
  { label: '0x14fb9c03d97e', data: bytes(0x14, 0xfb, 0x9c, 0x03, 0xd9, 0x7e), text: 'FPucA9l-' },
  { label: '0x14fb9c03d9', data: bytes(0x14, 0xfb, 0x9c, 0x03, 0xd9), text: 'FPucA9k' },
  { label: '0x14fb9c03', data: bytes(0x14, 0xfb, 0x9c, 0x03), text: 'FPucAw' },
  { label: '0xfbff', data: bytes(0xfb, 0xff), text: '-_8' },
  { label: '0xfbffbf', data: bytes(0xfb, 0xff, 0xbf), text: '-_-_' },
  { label: '0xffffff', data: bytes(0xff, 0xff, 0xff), text: '____' },
  { label: '0xf8', data: bytes(0xf8), text: '-A' },
  { label: '0x000000', data: bytes(0, 0, 0), text: 'AAAA' },
]

describe('encodeBase64url', () => {
  it.each(VECTORS)('encodes $label as "$text"', ({ data, text }) => {
    expect(encodeBase64url(data)).toBe(text)
    expect(encodeBase64urlPortably(data)).toBe(text)
  })

  // The tests run in workerd, which has Uint8Array.prototype.toBase64: the portable spelling is what runs
  // where it is missing, and must give the same text.
  it('gives the same text by the runtime encoder and the portable one', () => {
    expect(typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64).toBe('function')
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(encodeBase64url(data)).toBe(encodeBase64urlPortably(data))
      }),
      { numRuns: 300 },
    )
  })

  it('writes only the base64url alphabet, unpadded, 4 characters for every 3 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const text = encodeBase64url(data)
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/)
        expect(text).toHaveLength(Math.ceil((data.length * 4) / 3))
      }),
      { numRuns: 300 },
    )
  })

  it('encodes 64 KB of bytes', () => {
    const data = new Uint8Array(65_536).map((_, index) => index % 256)
    expect(decodeBase64url(encodeBase64url(data))).toEqual(data)
  })
})

describe('decodeBase64url', () => {
  it.each(VECTORS)('decodes "$text" as $label', ({ data, text }) => {
    expect(decodeBase64url(text)).toEqual(data)
  })

  it('gives back the bytes it was given, for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(decodeBase64url(encodeBase64url(data))).toEqual(data)
      }),
      { numRuns: 300 },
    )
  })

  it.each([
    { label: 'padding', text: 'Zg==' },
    { label: 'one "=" of padding', text: 'Zm8=' },
    { label: 'a lone "="', text: '=' },
    { label: '"=" in the middle', text: 'Zg=v' },
    { label: 'a "+" of standard base64', text: 'FPucA9l+' },
    { label: 'a "/" of standard base64', text: '-_8/' },
    { label: 'a space inside', text: 'Zm9 v' },
    { label: 'a leading space', text: ' Zm9v' },
    { label: 'a trailing space', text: 'Zm9v ' },
    { label: 'a line feed', text: 'Zm9v\n' },
    { label: 'a tab', text: 'Zm\t9v' },
    { label: 'a dot', text: 'Zm9v.' },
    { label: 'a percent-encoding', text: 'Zm9v%3D' },
    { label: 'a non-ASCII letter', text: 'Zm9\u00e9' },
    { label: 'a full-width letter', text: 'Zm9\uff56' },
    { label: 'a length of 1', text: 'A' },
    { label: 'a length of 5', text: 'Zm9vY' },
    { label: 'a length of 4001', text: 'A'.repeat(4001) },
  ])('returns null for text with $label', ({ text }) => {
    expect(decodeBase64url(text)).toBeNull()
  })

  it('decodes any text of the alphabet whose length is not 4n+1, to 3 bytes for every 4 characters', () => {
    const alphabet = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''),
    )
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 100 }).filter((text) => text.length % 4 !== 1),
        (text) => {
          expect(decodeBase64url(text)).toHaveLength(Math.floor((text.length * 3) / 4))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('returns null, never throws, for any text outside the alphabet', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter((text) => /[^A-Za-z0-9_-]/.test(text)),
        (text) => {
          expect(decodeBase64url(text)).toBeNull()
        },
      ),
      { numRuns: 300 },
    )
  })
})
