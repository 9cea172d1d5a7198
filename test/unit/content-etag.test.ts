import { describe, expect, it } from 'vitest'
import { contentETag } from '../../src/http/content-etag.ts'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

// base64url without padding (RFC 4648 section 5), six bits at a time: deliberately not btoa, which the
// module under test uses.
function base64url(bytes: Uint8Array): string {
  let text = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 6) {
      bits -= 6
      text += ALPHABET[(buffer >> bits) & 0x3f]
    }
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) text += ALPHABET[(buffer << (6 - bits)) & 0x3f]
  return text
}

const fromHex = (hex: string): Uint8Array =>
  Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16))
const tagOfDigest = (hex: string): string => `"${base64url(fromHex(hex))}"`
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

// A deterministic body of `length` bytes that uses every byte value.
function patterned(length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let index = 0; index < length; index++) bytes[index] = (index * 31 + (index >> 8)) & 0xff
  return bytes
}

describe('the test encoder', () => {
  // RFC 4648 section 10's test vectors, in the URL-safe alphabet without padding.
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes %j as %j', (text, expected) => {
    expect(base64url(utf8(text))).toBe(expected)
  })

  it('uses - and _ for the last two digits', () => {
    expect(base64url(Uint8Array.of(0xfb, 0xff))).toBe('-_8')
  })
})

describe('contentETag', () => {
  it.each([
    ['{}', '"RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o"'],
    ['', '"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"'],
  ])('tags %j with its known SHA-256', async (text, expected) => {
    expect(await contentETag(utf8(text))).toBe(expected)
  })

  // FIPS 180-2 appendix B test vectors.
  it.each([
    ['abc', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [
      'one million "a"',
      'a'.repeat(1_000_000),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    ],
  ])('tags %s with the base64url of its FIPS 180-2 digest', async (_label, text, hex) => {
    expect(await contentETag(utf8(text))).toBe(tagOfDigest(hex))
  })

  it('is a strong tag: a quoted 43-character base64url digest', async () => {
    for (const text of ['', '{}', '{"name":"Apple","price":0.5}', 'x'.repeat(1000)]) {
      expect(await contentETag(utf8(text))).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    }
  })

  it('digests all 300 000 bytes of a body larger than 256 KiB', async () => {
    const bytes = patterned(300_000)
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
    expect(await contentETag(bytes)).toBe(`"${base64url(digest)}"`)
  })

  it('changes when only the last byte of a large body changes', async () => {
    const bytes = patterned(300_000)
    const before = await contentETag(bytes)
    bytes[bytes.length - 1] = ((bytes[bytes.length - 1] ?? 0) + 1) & 0xff
    const after = await contentETag(bytes)
    expect(after).not.toBe(before)
    expect(after).toBe(`"${base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))}"`)
  })

  it('changes when only the first byte changes', async () => {
    const bytes = patterned(1024)
    const before = await contentETag(bytes)
    bytes[0] = ((bytes[0] ?? 0) + 1) & 0xff
    expect(await contentETag(bytes)).not.toBe(before)
  })

  it('tags only the bytes a view covers, not the whole buffer behind it', async () => {
    const expected = '"RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o"'
    expect(await contentETag(utf8('xx{}yy').subarray(2, 4))).toBe(expected)
    expect(await contentETag(new Uint8Array(utf8('x{}').buffer, 1, 2))).toBe(expected)
  })
})
