import { describe, expect, it } from 'vitest'
import { cacheDirectives, isForOneUser } from '../../src/http/cache-control.ts'

describe('cacheDirectives', () => {
  it.each([
    { value: null, want: [] },
    { value: '', want: [] },
    { value: 'no-cache', want: ['no-cache'] },
    { value: 'Private, MAX-AGE=0', want: ['private', 'max-age'] },
    { value: 'private="Set-Cookie, Authorization", public', want: ['private', 'public'] },
    { value: 'no-cache="a\\"b,c", no-store', want: ['no-cache', 'no-store'] },
    { value: ' , ,max-age=60,,', want: ['max-age'] },
    { value: 'bad directive, max-age=1', want: ['max-age'] },
    { value: 'x'.repeat(65_536), want: ['x'.repeat(65_536)] },
  ])('reads $value', ({ value, want }) => {
    expect([...cacheDirectives(value)]).toEqual(want)
  })
})

describe('isForOneUser', () => {
  // RFC 9111 section 5.2.2.7 (private) and 5.2.2.5 (no-store): a shared cache must not store the response.
  it.each([
    { value: 'private', want: true },
    { value: 'PRIVATE, max-age=60', want: true },
    { value: 'private="Set-Cookie"', want: true },
    { value: 'no-store', want: true },
    { value: 'public, max-age=0, must-revalidate', want: false },
    { value: 'no-cache', want: false },
    { value: 'max-age=60, community="private"', want: false },
    { value: null, want: false },
  ])('$value: $want', ({ value, want }) => {
    expect(isForOneUser(value)).toBe(want)
  })
})
