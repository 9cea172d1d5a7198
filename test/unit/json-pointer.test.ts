import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatJsonPointer } from '../../src/http/json-pointer.ts'

// The path a pointer names, read back as RFC 6901 section 4 says: split at "/", then "~1" before "~0".
function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
}

describe('formatJsonPointer', () => {
  // RFC 6901 section 5, read from right to left: the member each pointer names, back to the pointer.
  it.each([
    { path: [], want: '' },
    { path: ['foo'], want: '/foo' },
    { path: ['foo', 0], want: '/foo/0' },
    { path: [''], want: '/' },
    { path: ['a/b'], want: '/a~1b' },
    { path: ['c%d'], want: '/c%d' },
    { path: ['e^f'], want: '/e^f' },
    { path: ['g|h'], want: '/g|h' },
    { path: ['i\\j'], want: '/i\\j' },
    { path: ['k"l'], want: '/k"l' },
    { path: [' '], want: '/ ' },
    { path: ['m~n'], want: '/m~0n' },
  ])('writes the RFC 6901 path $path as the pointer "$want"', ({ path, want }) => {
    expect(formatJsonPointer(path)).toBe(want)
  })

  it.each([
    // "~" is escaped before "/", so that "~1" in a name does not read back as "/" (RFC 6901 section 4).
    { path: ['~1'], want: '/~01' },
    { path: ['~0'], want: '/~00' },
    { path: ['/~'], want: '/~1~0' },
    { path: ['~/'], want: '/~0~1' },
    { path: ['a~1b'], want: '/a~01b' },
    { path: ['//'], want: '/~1~1' },
    { path: ['~~'], want: '/~0~0' },
    { path: ['tags', 3], want: '/tags/3' },
    { path: ['a', 'b', 'c'], want: '/a/b/c' },
    { path: ['', ''], want: '//' },
    { path: ['01'], want: '/01' },
    { path: ['-'], want: '/-' },
    { path: ['caf\u00e9', '\u{1f600}'], want: '/caf\u00e9/\u{1f600}' },
  ])('writes $path as "$want"', ({ path, want }) => {
    expect(formatJsonPointer(path)).toBe(want)
  })

  it('writes a path of 10 000 segments', () => {
    const path = Array.from({ length: 10_000 }, (_, index) => index)
    const pointer = formatJsonPointer(path)
    expect(pointer.startsWith('/0/1/2/')).toBe(true)
    expect(pointer.endsWith('/9998/9999')).toBe(true)
    expect(pointer.split('/')).toHaveLength(10_001)
  })

  it('writes a pointer that reads back as the same path, whatever the names', () => {
    const segment = fc.oneof(
      fc.string({ unit: fc.constantFrom('~', '/', '0', '1', 'a', ''), maxLength: 12 }),
      fc.string({ maxLength: 12 }),
    )
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (path) => {
        expect(parsePointer(formatJsonPointer(path))).toEqual(path)
      }),
      { numRuns: 500 },
    )
  })
})
