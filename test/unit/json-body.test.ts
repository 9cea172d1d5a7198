import { describe, expect, it } from 'vitest'
import { findDuplicateMemberName, findUnderflowingNumber, parseJsonBody } from '../../src/http/json-body.ts'
import { HttpError } from '../../src/http/problem.ts'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

function httpErrorOf(bytes: Uint8Array): HttpError {
  try {
    parseJsonBody(bytes)
  } catch (error) {
    if (error instanceof HttpError) return error
    throw new Error(`expected an HttpError, got ${String(error)}`)
  }
  throw new Error('expected parseJsonBody to throw')
}

describe('parseJsonBody', () => {
  it.each<[string, unknown]>([
    ['{"a":1}', { a: 1 }],
    [' \n{ "name": "Apple", "tags": ["red"] }\t\r\n', { name: 'Apple', tags: ['red'] }],
    ['[1,2,3]', [1, 2, 3]],
    ['"text"', 'text'],
    ['0', 0],
    ['null', null],
    ['{"name":"caf\u00e9 \u20ac \ud83d\ude00"}', { name: 'caf\u00e9 \u20ac \ud83d\ude00' }],
    [String.raw`{"name":"caf\u00e9"}`, { name: 'caf\u00e9' }],
  ])('parses %j', (text, expected) => {
    expect(parseJsonBody(utf8(text))).toEqual(expected)
  })

  // RFC 8259 section 8.1: a parser may ignore a byte order mark.
  it('ignores a leading UTF-8 byte order mark', () => {
    expect(parseJsonBody(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8('{"a":1}')))).toEqual({ a: 1 })
  })

  it('keeps a U+FEFF that is inside a string', () => {
    expect(parseJsonBody(utf8('"\ufeff"'))).toBe('\ufeff')
  })

  it.each([
    ['a lone continuation byte', Uint8Array.of(0x22, 0x80, 0x22)],
    ['an invalid byte', Uint8Array.of(0x22, 0xff, 0x22)],
    ['an overlong encoding of "/"', Uint8Array.of(0x22, 0xc0, 0xaf, 0x22)],
    ['an encoded surrogate', Uint8Array.of(0x22, 0xed, 0xa0, 0x80, 0x22)],
    ['a truncated sequence', Uint8Array.of(0x22, 0xe2, 0x82, 0x22)],
    ['Latin-1 text', Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d)],
  ])('answers 400 to invalid UTF-8: %s', (_label, bytes) => {
    const error = httpErrorOf(bytes)
    expect(error.status).toBe(400)
    expect(error.message).toMatch(/UTF-8/)
  })

  it.each([
    ['a trailing comma', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['an unquoted name', '{a:1}'],
    ['two values', '{} {}'],
    ['a truncated object', '{"a":'],
    ['NaN', 'NaN'],
    ['a comment', '{"a":1} // note'],
    ['a UTF-16 byte order mark as text', '\u00fe\u00ff{}'],
  ])('answers 400 to invalid JSON: %s', (_label, text) => {
    const error = httpErrorOf(utf8(text))
    expect(error.status).toBe(400)
    expect(error.message).toMatch(/JSON/)
  })

  it.each([
    ['an empty body', new Uint8Array(0)],
    ['only whitespace', utf8(' \r\n\t ')],
    ['only a byte order mark', Uint8Array.of(0xef, 0xbb, 0xbf)],
  ])('answers 400 to %s', (_label, bytes) => {
    expect(httpErrorOf(bytes).status).toBe(400)
  })
})

describe('numbers too small for a double', () => {
  it.each([
    { label: 'a negative exponent past the smallest subnormal', text: '{"n":1e-400}', want: '1e-400' },
    { label: 'the same in an array', text: '[0, -2.5E-999]', want: '-2.5E-999' },
    { label: 'half the smallest subnormal', text: '[2e-324]', want: '2e-324' },
    {
      label: 'a fraction of 400 digits',
      text: `[0.${'0'.repeat(399)}1]`,
      want: expect.stringMatching(/\.\.\.$/),
    },
  ])('refuses $label with 422, naming it', ({ text, want }) => {
    const error = httpErrorOf(utf8(text))
    expect(error.status).toBe(422)
    expect(findUnderflowingNumber(text)).toEqual(want)
  })

  it.each([
    { label: 'the smallest subnormal', text: '[5e-324]', want: [5e-324] },
    { label: 'zero with a large negative exponent', text: '[0e-400, -0.0E-9]', want: [0, -0] },
    { label: 'a small normal number', text: '{"n":1.5e-300}', want: { n: 1.5e-300 } },
    { label: 'zeros after the point', text: `[0.${'0'.repeat(400)}]`, want: [0] },
    { label: 'an exponent in a string', text: '{"s":"1e-400"}', want: { s: '1e-400' } },
  ])('accepts $label', ({ text, want }) => {
    expect(parseJsonBody(utf8(text))).toEqual(want)
  })
})

describe('findDuplicateMemberName', () => {
  it.each([
    ['no objects', '[1,"a",true]', null],
    ['distinct names', '{"a":1,"b":2}', null],
    ['one name in sibling objects', '[{"a":1},{"a":2}]', null],
    ['one name at two depths', '{"a":{"a":1}}', null],
    ['a name equal to a value', '{"a":"a","b":"a"}', null],
    ['an array of strings inside an object', '{"a":["a","a"]}', null],
    ['a repeated name', '{"a":1,"a":2}', 'a'],
    ['a repeated name after whitespace', '{ "x" : 1 ,\n "x"\t: 2 }', 'x'],
    ['a repeat spelled with an escape', '{"a":1,"\\u0061":2}', 'a'],
    ['a repeat in a nested object', '{"o":{"k":1,"k":2}}', 'k'],
    ['escaped quotes inside a name', '{"a\\"b":1,"a\\"b":2}', 'a"b'],
    ['the empty name twice', '{"":1,"":2}', ''],
  ])('finds %s', (_, text, expected) => {
    expect(() => JSON.parse(text)).not.toThrow()
    expect(findDuplicateMemberName(text)).toBe(expected)
  })

  it('answers 422 through parseJsonBody', () => {
    expect(() => parseJsonBody(new TextEncoder().encode('{"a":1,"a":2}'))).toThrow(
      expect.objectContaining({ status: 422 }),
    )
  })
})
