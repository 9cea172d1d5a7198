import { describe, expect, it } from 'vitest'
import { readBearerToken, tokensEqual } from '../../src/http/bearer-token.ts'

describe('readBearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['BeArEr abc', 'abc'],
    // RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    ['Bearer mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['Bearer a+b/c~d', 'a+b/c~d'],
    ['Bearer dGVzdA==', 'dGVzdA=='],
    ['Bearer dGVzdA=', 'dGVzdA='],
    ['Bearer  abc', 'abc'],
  ])('reads %j as %j', (value, expected) => {
    expect(readBearerToken(value)).toBe(expected)
  })

  it.each([
    ['a missing field', null],
    ['an empty field', ''],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['the scheme with no token', 'Bearer'],
    ['the scheme and a space with no token', 'Bearer '],
    ['a token with no scheme', 'abc'],
    ['no space after the scheme', 'Bearerabc'],
    ['a token with a space in it', 'Bearer abc def'],
    ['padding in the middle of a token', 'Bearer ab=c'],
    ['padding alone', 'Bearer ='],
    ['a token with a comma', 'Bearer abc,def'],
    ['a quoted token', 'Bearer "abc"'],
    ['auth-params instead of a token', 'Bearer realm="example"'],
    ['a non-ASCII token', 'Bearer caf\u00e9'],
    ['another scheme that starts with Bearer', 'BearerToken abc'],
    ['a line break after the token', 'Bearer abc\nX: y'],
  ])('returns null for %s', (_label, value) => {
    expect(readBearerToken(value)).toBeNull()
  })
})

describe('tokensEqual', () => {
  it.each([
    ['equal tokens', 'test-token', 'test-token', true],
    ['empty tokens', '', '', true],
    ['equal non-ASCII tokens', 'caf\u00e9', 'caf\u00e9', true],
    ['tokens differing in the last character', 'test-token', 'test-tokem', false],
    ['tokens differing in the first character', 'test-token', 'best-token', false],
    ['tokens differing only in case', 'Token', 'token', false],
    ['a prefix of the expected token', 'test', 'test-token', false],
    ['a longer token', 'test-token-and-more', 'test-token', false],
    ['an empty token against a real one', '', 'test-token', false],
    ['composed and decomposed forms', '\u00e9', 'e\u0301', false],
  ])('compares %s: %s vs %s is %s', async (_label, presented, expected, equal) => {
    expect(await tokensEqual(presented, expected)).toBe(equal)
    expect(await tokensEqual(expected, presented)).toBe(equal)
  })
})
