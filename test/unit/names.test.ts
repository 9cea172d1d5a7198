import { describe, expect, it } from 'vitest'
import { isDocumentId, isResourceName } from '../../src/documents/names.ts'

describe('isDocumentId', () => {
  it.each([
    { label: 'a word', id: 'apple', want: true },
    { label: 'one character', id: 'a', want: true },
    { label: 'one digit', id: '0', want: true },
    { label: 'mixed case, digits and a hyphen', id: 'Apple-2', want: true },
    { label: 'every unreserved punctuation mark', id: 'a.b_c~d-e', want: true },
    { label: 'only punctuation', id: '._~-', want: true },
    { label: 'a dot alone (a dot segment)', id: '.', want: false },
    { label: 'two dots alone (a dot segment)', id: '..', want: false },
    { label: 'three dots', id: '...', want: true },
    { label: 'a leading dot', id: '.a', want: true },
    { label: 'two dots and a letter', id: '..a', want: true },
    { label: 'a UUID', id: '123e4567-e89b-12d3-a456-426614174000', want: true },
    { label: '128 characters', id: 'a'.repeat(128), want: true },
    { label: '129 characters', id: 'a'.repeat(129), want: false },
    { label: '10 000 characters', id: 'a'.repeat(10_000), want: false },
    { label: 'an empty id', id: '', want: false },
    { label: 'a "/"', id: 'a/b', want: false },
    { label: 'a "%"', id: 'a%20b', want: false },
    { label: 'a space', id: 'a b', want: false },
    { label: 'a leading space', id: ' a', want: false },
    { label: 'a trailing line feed', id: 'a\n', want: false },
    { label: 'a NUL', id: 'a\u0000', want: false },
    { label: 'a letter with an accent', id: 'caf\u00e9', want: false },
    { label: 'a full-width letter', id: '\uff41', want: false },
    { label: 'an emoji', id: '\u{1f600}', want: false },
    { label: 'a ":"', id: 'a:b', want: false },
    { label: 'a "?"', id: 'a?b', want: false },
    { label: 'a "#"', id: 'a#b', want: false },
    { label: 'a "+"', id: 'a+b', want: false },
    { label: 'a backslash', id: 'a\\b', want: false },
    { label: 'a quote', id: 'a"b', want: false },
  ])('says $want for $label', ({ id, want }) => {
    expect(isDocumentId(id)).toBe(want)
  })
})

describe('isResourceName', () => {
  it.each([
    { label: '"tasks"', name: 'tasks', want: true },
    { label: 'one letter', name: 'a', want: true },
    { label: 'a hyphen and a digit', name: 'my-orders2', want: true },
    { label: 'a trailing hyphen', name: 'a-', want: true },
    { label: '63 characters', name: `a${'b'.repeat(62)}`, want: true },
    { label: '64 characters', name: `a${'b'.repeat(63)}`, want: false },
    { label: 'a capital letter', name: 'Tasks', want: false },
    { label: 'a capital letter inside', name: 'taSks', want: false },
    { label: 'a leading digit', name: '1a', want: false },
    { label: 'a leading hyphen', name: '-a', want: false },
    { label: 'a ":"', name: 'a:b', want: false },
    { label: 'an underscore', name: 'a_b', want: false },
    { label: 'a dot', name: 'a.b', want: false },
    { label: 'a "/"', name: 'a/b', want: false },
    { label: 'a space', name: 'a b', want: false },
    { label: 'a trailing line feed', name: 'tasks\n', want: false },
    { label: 'a letter with an accent', name: 't\u00e2ches', want: false },
    { label: 'a dotless i', name: '\u0131tems', want: false },
    { label: 'an empty name', name: '', want: false },
  ])('says $want for $label', ({ name, want }) => {
    expect(isResourceName(name)).toBe(want)
  })
})
