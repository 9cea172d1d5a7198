import { describe, expect, it } from 'vitest'
import {
  type EntityTag,
  type EntityTagCondition,
  formatEntityTag,
  parseEntityTag,
  parseEntityTagCondition,
  strongMatch,
  weakMatch,
} from '../../src/http/entity-tag.ts'

const strong = (opaque: string): EntityTag => ({ weak: false, opaque })
const weak = (opaque: string): EntityTag => ({ weak: true, opaque })
const list = (...tags: EntityTag[]): EntityTagCondition => ({ kind: 'list', tags })
const INVALID: EntityTagCondition = { kind: 'invalid' }
const ANY: EntityTagCondition = { kind: 'any' }

describe('parseEntityTag', () => {
  // RFC 9110 section 8.8.3: ETag: "xyzzy", ETag: W/"xyzzy", ETag: ""
  it.each([
    ['"xyzzy"', strong('"xyzzy"')],
    ['W/"xyzzy"', weak('"xyzzy"')],
    ['""', strong('""')],
    ['W/""', weak('""')],
    [' \t"xyzzy"\t ', strong('"xyzzy"')],
    ['"!#~"', strong('"!#~"')],
    ['"caf\u00e9\u0080\u00ff"', strong('"caf\u00e9\u0080\u00ff"')],
  ])('reads %j as a tag', (value, expected) => {
    expect(parseEntityTag(value)).toEqual(expected)
  })

  it.each([
    ['an empty value', ''],
    ['an unquoted token', 'xyzzy'],
    ['a lowercase weak prefix', 'w/"xyzzy"'],
    ['a space after the weak prefix', 'W/ "xyzzy"'],
    ['an unterminated quote', '"xyzzy'],
    ['a space inside the quotes', '"xy zzy"'],
    ['a DQUOTE inside the quotes', '"xy"zzy"'],
    ['two tags', '"a", "b"'],
    ['a star', '*'],
    ['a control character', '"xy\u0001zzy"'],
    ['DEL', '"xy\u007fzzy"'],
    ['a line feed', '"xyzzy"\n'],
  ])('returns null for %s', (_label, value) => {
    expect(parseEntityTag(value)).toBeNull()
  })
})

describe('parseEntityTagCondition', () => {
  it.each<[string, EntityTagCondition]>([
    // RFC 9110 section 13.1.1 and 13.1.2 examples.
    ['"xyzzy"', list(strong('"xyzzy"'))],
    [
      '"xyzzy", "r2d2xxxx", "c3piozzzz"',
      list(strong('"xyzzy"'), strong('"r2d2xxxx"'), strong('"c3piozzzz"')),
    ],
    [
      'W/"xyzzy", W/"r2d2xxxx", W/"c3piozzzz"',
      list(weak('"xyzzy"'), weak('"r2d2xxxx"'), weak('"c3piozzzz"')),
    ],
    ['*', ANY],
    // A comma inside the quotes belongs to the tag.
    ['"a,b", "c"', list(strong('"a,b"'), strong('"c"'))],
    ['W/"a,b,c"', list(weak('"a,b,c"'))],
    // Section 5.6.1: empty list elements and OWS around commas are allowed.
    [', ,"a" ,,  W/"b",', list(strong('"a"'), weak('"b"'))],
    ['"a","b"', list(strong('"a"'), strong('"b"'))],
    ['\t"a"\t,\t"b"\t', list(strong('"a"'), strong('"b"'))],
    ['""', list(strong('""'))],
    ['"", W/""', list(strong('""'), weak('""'))],
    ['', list()],
    [' , ,', list()],
    ['  *  ', ANY],
    ['\t*\t', ANY],
    // obs-text (%x80-FF) is etagc.
    ['"\u0080\u00ff", W/"\u00e9"', list(strong('"\u0080\u00ff"'), weak('"\u00e9"'))],
    ['"!"', list(strong('"!"'))],
  ])('reads %j', (value, expected) => {
    expect(parseEntityTagCondition(value)).toEqual(expected)
  })

  it.each([
    ['a star mixed with a tag', '*, "a"'],
    ['a tag mixed with a star', '"a", *'],
    ['two stars', '*, *'],
    ['a star followed by text', '*a'],
    ['a lowercase weak prefix', 'w/"a"'],
    ['a lowercase weak prefix after a valid tag', '"a", w/"b"'],
    ['an unquoted token', 'xyzzy'],
    ['an unquoted token in a list', '"a", b'],
    ['an unterminated quote', '"xyzzy'],
    ['an unterminated quote after a valid tag', '"a", "b'],
    ['a lone DQUOTE', '"'],
    ['a space inside a tag', '"a b"'],
    ['a DQUOTE inside a tag', '"a"b"'],
    ['two tags without a comma', '"a" "b"'],
    ['two tags run together', '"a""b"'],
    ['a semicolon as separator', '"a"; "b"'],
    ['a control character inside a tag', '"a\u0000b"'],
    ['a tab inside a tag', '"a\tb"'],
    ['DEL inside a tag', '"a\u007f"'],
    ['a line break between tags', '"a",\r\n"b"'],
    ['a weak prefix with no tag', 'W/'],
    ['a weak prefix before a star', 'W/*'],
    ['a backslash-escaped quote', '"a\\"b"'],
  ])('is invalid for %s', (_label, value) => {
    expect(parseEntityTagCondition(value)).toEqual(INVALID)
  })

  describe('hostile input', () => {
    it('reads 10 000 tags quickly', () => {
      const value = Array.from({ length: 10_000 }, (_, index) => `W/"tag-${index}"`).join(', ')
      const started = performance.now()
      const condition = parseEntityTagCondition(value)
      expect(performance.now() - started).toBeLessThan(500)
      expect(condition.kind).toBe('list')
      if (condition.kind !== 'list') return
      expect(condition.tags).toHaveLength(10_000)
      expect(condition.tags[9_999]).toEqual(weak('"tag-9999"'))
    })

    it.each([
      ['a 64 KB valid tag', `"${'a'.repeat(65_536)}"`, 'list'],
      ['a 64 KB unterminated value', `"${'a'.repeat(65_536)}`, 'invalid'],
      ['64 KB of commas', ','.repeat(65_536), 'list'],
      ['64 KB of quotes', '"'.repeat(65_536), 'invalid'],
      ['64 KB of weak prefixes', 'W/'.repeat(32_768), 'invalid'],
      ['64 KB of spaces then a star', `${' '.repeat(65_536)}*`, 'any'],
    ])('reads %s quickly without throwing', (_label, value, kind) => {
      const started = performance.now()
      expect(parseEntityTagCondition(value).kind).toBe(kind)
      expect(performance.now() - started).toBeLessThan(500)
    })
  })
})

describe('entity-tag comparison', () => {
  // RFC 9110 section 8.8.3.2, the comparison table.
  it.each([
    ['W/"1"', 'W/"1"', false, true],
    ['W/"1"', 'W/"2"', false, false],
    ['W/"1"', '"1"', false, true],
    ['"1"', '"1"', true, true],
    ['"1"', '"2"', false, false],
    ['"1"', 'W/"1"', false, true],
  ])('compares %s with %s: strong %s, weak %s', (left, right, expectedStrong, expectedWeak) => {
    const a = parseEntityTag(left)
    const b = parseEntityTag(right)
    if (a === null || b === null) throw new Error('the table holds only valid tags')
    expect(strongMatch(a, b)).toBe(expectedStrong)
    expect(strongMatch(b, a)).toBe(expectedStrong)
    expect(weakMatch(a, b)).toBe(expectedWeak)
    expect(weakMatch(b, a)).toBe(expectedWeak)
  })

  it('compares opaque-tags character by character, with no case folding', () => {
    expect(weakMatch(strong('"abc"'), strong('"ABC"'))).toBe(false)
    expect(strongMatch(strong('"abc"'), strong('"ABC"'))).toBe(false)
  })
})

describe('formatEntityTag', () => {
  it.each([
    [strong('"v1"'), '"v1"'],
    [weak('"v1"'), 'W/"v1"'],
    [strong('""'), '""'],
  ])('renders %j as %s', (tag, expected) => {
    expect(formatEntityTag(tag)).toBe(expected)
  })

  it('renders what parseEntityTag reads back', () => {
    for (const value of ['"xyzzy"', 'W/"xyzzy"', '""']) {
      const tag = parseEntityTag(value)
      expect(tag).not.toBeNull()
      if (tag) expect(formatEntityTag(tag)).toBe(value)
    }
  })
})
