import { describe, expect, it } from 'vitest'
import { isOptionalWhitespace, trimOptionalWhitespace } from '../../src/http/field-value.ts'

describe('isOptionalWhitespace', () => {
  // RFC 9110 section 5.6.3: OWS = *( SP / HTAB ).
  it.each([
    [' ', true],
    ['\t', true],
    ['\n', false],
    ['\r', false],
    ['\v', false],
    ['\f', false],
    ['\u00a0', false],
    ['\u3000', false],
    ['a', false],
    [',', false],
  ])('says %j is %s', (character, expected) => {
    expect(isOptionalWhitespace(character.charCodeAt(0))).toBe(expected)
  })

  it('is false for NaN, the code of a position past the end', () => {
    expect(isOptionalWhitespace(''.charCodeAt(0))).toBe(false)
  })
})

describe('trimOptionalWhitespace', () => {
  it.each([
    [' \t"a" ', '"a"'],
    ['"a"', '"a"'],
    ['  a  b  ', 'a  b'],
    ['\t\t', ''],
    ['', ''],
    ['\r\n"a"\r\n', '\r\n"a"\r\n'],
    [' \n"a"', '\n"a"'],
    ['\u00a0"a"\u00a0', '\u00a0"a"\u00a0'],
    ['\ufeff"a"', '\ufeff"a"'],
    [' \u2028 ', '\u2028'],
  ])('trims %j to %j', (value, expected) => {
    expect(trimOptionalWhitespace(value)).toBe(expected)
  })

  it('trims 64 KB of whitespace quickly', () => {
    const started = performance.now()
    expect(trimOptionalWhitespace(`${' \t'.repeat(32_768)}x${'\t '.repeat(32_768)}`)).toBe('x')
    expect(performance.now() - started).toBeLessThan(200)
  })
})
