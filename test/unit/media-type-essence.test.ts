import { describe, expect, it } from 'vitest'
import { isMediaType } from '../../src/http/media-type.ts'

const MERGE_PATCH = 'application/merge-patch+json'

describe('isMediaType', () => {
  // RFC 9110 section 8.3.1: type, subtype and parameter names are case-insensitive; RFC 7396 section 4 registers
  // application/merge-patch+json.
  it.each([
    { label: 'the type in lowercase', value: 'application/merge-patch+json' },
    { label: 'the type in mixed case', value: 'Application/Merge-Patch+JSON' },
    { label: 'the type in uppercase', value: 'APPLICATION/MERGE-PATCH+JSON' },
    { label: 'the type in odd case', value: 'application/MERGE-patch+Json' },
    { label: 'the type between whitespace', value: ' application/merge-patch+json\t' },
    { label: 'charset=utf-8', value: 'application/merge-patch+json; charset=utf-8' },
    { label: 'charset=UTF-8 with no space', value: 'application/merge-patch+json;charset=UTF-8' },
    { label: 'a quoted CHARSET="utf-8"', value: 'application/merge-patch+json; CHARSET="utf-8"' },
    { label: 'charset=utf8', value: 'application/merge-patch+json; charset=utf8' },
    {
      label: 'a quoted ";charset=latin1"',
      value: 'application/merge-patch+json ; profile="a;charset=latin1"',
    },
    { label: 'another parameter', value: 'application/merge-patch+json; foo=bar' },
    { label: 'a trailing ";"', value: 'application/merge-patch+json;' },
  ])('accepts $label as application/merge-patch+json', ({ value }) => {
    expect(isMediaType(value, MERGE_PATCH)).toBe(true)
  })

  it.each([
    { label: 'a missing field', value: null },
    { label: 'an empty value', value: '' },
    { label: 'application/json', value: 'application/json' },
    { label: 'application/json-patch+json', value: 'application/json-patch+json' },
    { label: 'application/merge-patch', value: 'application/merge-patch' },
    { label: 'application/merge-patch+jsonx', value: 'application/merge-patch+jsonx' },
    { label: 'application/merge-patch+xml', value: 'application/merge-patch+xml' },
    { label: 'text/merge-patch+json', value: 'text/merge-patch+json' },
    { label: '*/*', value: '*/*' },
    { label: 'charset=latin1', value: 'application/merge-patch+json; charset=latin1' },
    { label: 'a quoted charset=ISO-8859-1', value: 'Application/Merge-Patch+JSON; charset="ISO-8859-1"' },
    { label: 'charset=utf-16', value: 'application/merge-patch+json; charset=utf-16' },
    { label: 'an empty charset', value: 'application/merge-patch+json; charset=' },
    {
      label: 'a second, different charset',
      value: 'application/merge-patch+json; charset=utf-8; charset=latin1',
    },
    { label: 'whitespace around the slash', value: 'application / merge-patch+json' },
    { label: 'a comma-joined pair', value: 'application/merge-patch+json, application/json' },
    { label: 'a 64 KB value', value: `application/merge-patch+json${' '.repeat(65_536)}x` },
  ])('refuses $label as application/merge-patch+json', ({ value }) => {
    expect(isMediaType(value, MERGE_PATCH)).toBe(false)
  })

  it('tells application/json from application/merge-patch+json both ways', () => {
    expect(isMediaType('application/json', 'application/json')).toBe(true)
    expect(isMediaType('application/json', MERGE_PATCH)).toBe(false)
    expect(isMediaType(MERGE_PATCH, 'application/json')).toBe(false)
  })

  it('reads a value of 10 000 parameters', () => {
    const value = `${MERGE_PATCH}${'; a=b'.repeat(10_000)}`
    expect(isMediaType(value, MERGE_PATCH)).toBe(true)
    expect(isMediaType(`${value}; charset=latin1`, MERGE_PATCH)).toBe(false)
  })
})
