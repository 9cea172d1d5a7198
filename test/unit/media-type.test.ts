import { describe, expect, it } from 'vitest'
import { isJsonContentType, isJsonFamilyType } from '../../src/http/media-type.ts'

describe('isJsonContentType', () => {
  it.each([
    'application/json',
    'Application/JSON',
    'APPLICATION/JSON',
    'application/json; charset=utf-8',
    'application/json;charset=utf-8',
    'application/json; charset=UTF-8',
    'application/json; Charset=Utf-8',
    'application/json; CHARSET="utf-8"',
    'application/json; charset="UTF-8"',
    'application/json ; charset=utf-8',
    'application/json;\tcharset=utf-8',
    ' application/json ',
    'application/json; profile="https://example.com/item"',
    'application/json; foo=bar; charset=utf-8',
    'application/json;',
  ])('accepts %j', (value) => {
    expect(isJsonContentType(value)).toBe(true)
  })

  it.each([
    ['a missing field', null],
    ['an empty value', ''],
    ['charset=iso-8859-1', 'application/json; charset=iso-8859-1'],
    ['a quoted charset=iso-8859-1', 'application/json; charset="ISO-8859-1"'],
    ['charset=utf-16', 'application/json; charset=utf-16'],
    ['an empty charset', 'application/json; charset='],
    ['a second, different charset', 'application/json; charset=utf-8; charset=latin1'],
    ['application/jsonx', 'application/jsonx'],
    ['text/json', 'text/json'],
    ['application/json-patch+json', 'application/json-patch+json'],
    ['application/merge-patch+json', 'application/merge-patch+json'],
    ['application/problem+json', 'application/problem+json'],
    ['application/x-json', 'application/x-json'],
    ['text/plain', 'text/plain'],
    ['application/*', 'application/*'],
    ['*/*', '*/*'],
    ['application/', 'application/'],
    ['application', 'application'],
    ['whitespace around the slash', 'application / json'],
    ['a line break before the type', '\napplication/json'],
    ['a comma-joined pair', 'application/json, text/plain'],
  ])('refuses %s', (_label, value) => {
    expect(isJsonContentType(value)).toBe(false)
  })

  // RFC 9110 section 5.6.6: a parameter value may be a quoted-string, and a ";" inside one does not start a
  // new parameter.
  it('accepts a quoted parameter value that contains ";charset="', () => {
    expect(isJsonContentType('application/json; profile="a;charset=latin1"')).toBe(true)
  })
})

describe('isJsonFamilyType', () => {
  // RFC 6839 section 3.1: the +json structured syntax suffix.
  it.each([
    { value: 'application/json', want: true },
    { value: 'Application/JSON; charset=UTF-8', want: true },
    { value: 'application/problem+json', want: true },
    { value: 'application/vnd.api+json; ext=x', want: true },
    { value: 'application/json; charset=latin1', want: false },
    { value: 'application/jsonl', want: false },
    { value: 'text/json+x', want: false },
    { value: '+json', want: false },
    { value: 'text/plain', want: false },
    { value: null, want: false },
  ])('$value: $want', ({ value, want }) => {
    expect(isJsonFamilyType(value)).toBe(want)
  })
})
