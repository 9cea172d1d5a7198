import { describe, expect, it } from 'vitest'
import { normalisedPath, recordKeyOf, unrecordablePathReason } from '../../../src/origin/record-key.ts'

describe('normalisedPath', () => {
  it.each([
    { path: '/users/1', want: '/users/1' },
    // RFC 3986 section 6.2.2.2: unreserved characters decoded, whatever their hex case.
    { path: '/%75sers/1', want: '/users/1' },
    { path: '/%55SERS', want: '/USERS' },
    { path: '/a%2db%2Dc%5f%7e%2e', want: '/a-b-c_~.' },
    // RFC 3986 section 6.2.2.1: the hex of other escapes upper-cased, the escapes kept.
    { path: '/caf%c3%a9', want: '/caf%C3%A9' },
    { path: '/a%2fb', want: '/a%2Fb' },
    { path: '/100%25', want: '/100%25' },
    // Reserved characters are not their escapes: both spellings stay.
    { path: '/a!b', want: '/a!b' },
    { path: '/a%21b', want: '/a%21b' },
    // Neither reserved nor unreserved: always encoded.
    { path: '/a|b^c', want: '/a%7Cb%5Ec' },
    { path: '/a%7cb', want: '/a%7Cb' },
    { path: '/50%', want: '/50%' },
  ])('$path: $want', ({ path, want }) => {
    expect(normalisedPath(path)).toBe(want)
  })
})

describe('unrecordablePathReason', () => {
  it.each([
    { path: '/', want: null },
    { path: '/users/1', want: null },
    { path: '/users/', want: null },
    { path: '/users/1;x=2', want: 'a ";"' },
    { path: '/users;v=1/1', want: 'a ";"' },
    { path: '/users%3bx/1', want: 'a ";"' },
    { path: '//users/1', want: 'an empty segment' },
    { path: '/users//1', want: 'an empty segment' },
    { path: '/users//', want: 'an empty segment' },
  ])('$path: $want', ({ path, want }) => {
    expect(unrecordablePathReason(path)).toBe(want)
  })
})

describe('recordKeyOf', () => {
  it.each([
    { recordQuery: [], url: 'https://api.example/users', want: 'https://api.example/users' },
    { recordQuery: [], url: 'https://api.example/users?', want: 'https://api.example/users' },
    // Empty pairs name no parameter: one key, whatever their number.
    { recordQuery: [], url: 'https://api.example/users?&', want: 'https://api.example/users' },
    { recordQuery: [], url: 'https://api.example/users?&&&', want: 'https://api.example/users' },
    { recordQuery: [], url: 'https://api.example/%75sers#x', want: 'https://api.example/users' },
    { recordQuery: [], url: 'https://api.example/users?x=1', want: null },
    { recordQuery: [], url: 'https://api.example/users?=1', want: null },
    {
      recordQuery: ['page'],
      url: 'https://api.example/users?page=2',
      want: 'https://api.example/users?page=2',
    },
    {
      recordQuery: ['page', 'limit'],
      url: 'https://api.example/users?&page=2&&limit=5&',
      want: 'https://api.example/users?limit=5&page=2',
    },
    { recordQuery: ['page'], url: 'https://api.example/users?page', want: 'https://api.example/users?page=' },
    {
      recordQuery: ['page'],
      url: 'https://api.example/users?page=',
      want: 'https://api.example/users?page=',
    },
    {
      recordQuery: ['page'],
      url: 'https://api.example/users?pa%67e=2',
      want: 'https://api.example/users?page=2',
    },
    { recordQuery: ['q'], url: 'https://api.example/s?q=a%20b', want: 'https://api.example/s?q=a+b' },
    { recordQuery: ['q'], url: 'https://api.example/s?q=a+b', want: 'https://api.example/s?q=a+b' },
    { recordQuery: ['page'], url: 'https://api.example/users?page=2&utm_source=x', want: null },
    { recordQuery: ['page'], url: 'https://api.example/users?Page=2', want: null },
    // A repeated parameter could be repeated endlessly.
    { recordQuery: ['page'], url: 'https://api.example/users?page=2&page=2', want: null },
    { recordQuery: [], url: 'https://api.example/users;x=1', want: null },
    { recordQuery: [], url: 'https://api.example/users//1', want: null },
    { recordQuery: [], url: 'https://api.example/users/', want: 'https://api.example/users/' },
  ])('with ORIGIN_RECORD_QUERY $recordQuery, $url: $want', ({ recordQuery, url, want }) => {
    expect(recordKeyOf(new URL(url), recordQuery)).toBe(want)
  })

  it('gives 300 &-padded spellings, 200 path parameters and escaped letters at most the one key', () => {
    const keys = new Set<string | null>()
    for (let n = 1; n <= 300; n++)
      keys.add(recordKeyOf(new URL(`https://api.example/users?${'&'.repeat(n)}`), []))
    for (let n = 1; n <= 200; n++) keys.add(recordKeyOf(new URL(`https://api.example/users;x=${n}`), []))
    keys.add(recordKeyOf(new URL('https://api.example/%75sers'), []))
    keys.add(recordKeyOf(new URL('https://api.example/users'), []))
    expect(keys).toEqual(new Set(['https://api.example/users', null]))
  })
})
