import { describe, expect, it } from 'vitest'
import { parseIdempotencyKey } from '../../src/http/idempotency-key.ts'

describe('parseIdempotencyKey', () => {
  it.each([
    {
      label: "the draft's example, an sf-string",
      value: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
      key: '8e03978e-40d5-43e8-bc93-6894a57f9324',
    },
    { label: 'a bare token', value: 'order-17', key: 'order-17' },
    { label: 'an sf-string with spaces inside', value: '"two words"', key: 'two words' },
    { label: 'an sf-string with escapes', value: '"a\\"b\\\\c"', key: 'a"b\\c' },
    { label: 'surrounding spaces and tabs', value: ' \t"k" ', key: 'k' },
    { label: 'one character', value: 'x', key: 'x' },
    { label: '255 characters, bare', value: 'k'.repeat(255), key: 'k'.repeat(255) },
    { label: '255 characters, quoted', value: `"${'k'.repeat(255)}"`, key: 'k'.repeat(255) },
    {
      label: 'visible punctuation, bare',
      value: "!#$%&'()*+-./:<=>?@[]^_`{|}~",
      key: "!#$%&'()*+-./:<=>?@[]^_`{|}~",
    },
    { label: 'an sf-string holding , and ;', value: '"a,b;c"', key: 'a,b;c' },
  ])('reads $label', ({ value, key }) => {
    expect(parseIdempotencyKey(value)).toEqual({ kind: 'key', key })
  })

  it('says absent when there is no field', () => {
    expect(parseIdempotencyKey(null)).toEqual({ kind: 'absent' })
  })

  it.each([
    { label: 'an empty value', value: '' },
    { label: 'only spaces', value: '   ' },
    { label: 'an empty sf-string', value: '""' },
    { label: 'an unterminated sf-string', value: '"abc' },
    { label: 'text after the closing quote', value: '"abc"d' },
    { label: 'two sf-strings', value: '"a", "b"' },
    { label: 'an escape of another character', value: '"a\\nb"' },
    { label: 'a trailing backslash', value: '"a\\"' },
    { label: 'a space inside a bare token', value: 'two words' },
    { label: 'two bare keys in one field (a list)', value: 'a,b' },
    { label: 'a bare key with a parameter', value: 'x;y' },
    { label: 'a quote inside a bare token', value: 'a"b' },
    { label: 'a backslash inside a bare token', value: 'a\\b' },
    { label: '256 characters, bare', value: 'k'.repeat(256) },
    { label: '256 characters, quoted', value: `"${'k'.repeat(256)}"` },
    { label: 'a non-ASCII character', value: 'caf\u00e9' },
    { label: 'a control character in an sf-string', value: '"a\u0001b"' },
    { label: 'a tab inside an sf-string', value: '"a\tb"' },
    { label: '64 KB of quotes', value: '"'.repeat(65_536) },
  ])('says invalid for $label', ({ value }) => {
    expect(parseIdempotencyKey(value)).toEqual({ kind: 'invalid' })
  })
})
