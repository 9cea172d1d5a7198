import { describe, expect, it } from 'vitest'
import { hashableCodingOf, originAcceptEncoding } from '../../../src/origin/content-coding.ts'

describe('hashableCodingOf', () => {
  it.each([
    { coding: null, want: 'identity' },
    { coding: 'identity', want: 'identity' },
    { coding: 'gzip', want: 'gzip' },
    { coding: ' X-GZIP ', want: 'gzip' },
    { coding: 'br', want: null },
    { coding: 'deflate', want: null },
    { coding: 'gzip, br', want: null },
    { coding: 'zstd', want: null },
  ])('$coding: $want', ({ coding, want }) => {
    expect(hashableCodingOf(new Headers(coding === null ? {} : { 'Content-Encoding': coding }))).toBe(want)
  })
})

describe('originAcceptEncoding', () => {
  it.each([
    { accepts: 'gzip, deflate, br, zstd', want: 'gzip' },
    { accepts: 'br;q=1, GZIP;q=0.5', want: 'gzip' },
    { accepts: 'x-gzip', want: 'gzip' },
    { accepts: '*', want: 'gzip' },
    { accepts: '*;q=0.1, br', want: 'gzip' },
    { accepts: 'gzip;q=0', want: 'identity' },
    { accepts: 'gzip;q=0, *', want: 'identity' },
    { accepts: 'br', want: 'identity' },
    { accepts: 'identity', want: 'identity' },
    { accepts: '', want: 'identity' },
    { accepts: null, want: 'identity' },
    { accepts: ';;,,;q=', want: 'identity' },
  ])('$accepts: $want', ({ accepts, want }) => {
    expect(originAcceptEncoding(accepts)).toBe(want)
  })
})
