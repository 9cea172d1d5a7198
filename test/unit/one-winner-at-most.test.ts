import { describe, expect, it } from 'vitest'
import { oneWinnerAtMost } from '../../src/documents/document-writes.ts'
import type { ConditionalHeaders } from '../../src/http/preconditions.ts'

const NONE: ConditionalHeaders = {
  ifMatch: null,
  ifNoneMatch: null,
  ifModifiedSince: null,
  ifUnmodifiedSince: null,
}

describe('oneWinnerAtMost', () => {
  it.each([
    { why: 'no precondition', conditions: NONE, want: false },
    { why: 'If-Match with a tag', conditions: { ...NONE, ifMatch: '"a"' }, want: true },
    {
      why: 'If-Match with two tags, which alternating bodies can each match',
      conditions: { ...NONE, ifMatch: '"a", W/"b"' },
      want: false,
    },
    {
      why: 'If-Match with one tag twice, weak and strong',
      conditions: { ...NONE, ifMatch: '"a", W/"a"' },
      want: true,
    },
    {
      why: 'If-Match: *, which every write to an existing document passes',
      conditions: { ...NONE, ifMatch: '*' },
      want: false,
    },
    {
      why: 'a malformed If-Match, which fails at once anyway',
      conditions: { ...NONE, ifMatch: '"a' },
      want: false,
    },
    { why: 'an empty If-Match list', conditions: { ...NONE, ifMatch: ' , ' }, want: false },
    { why: 'If-None-Match: *, create-only', conditions: { ...NONE, ifNoneMatch: '*' }, want: true },
    { why: 'If-None-Match with a tag', conditions: { ...NONE, ifNoneMatch: '"a"' }, want: false },
    {
      why: 'If-Unmodified-Since alone',
      conditions: { ...NONE, ifUnmodifiedSince: 'Sun, 06 Nov 1994 08:49:37 GMT' },
      want: false,
    },
  ])('is $want for $why', ({ conditions, want }) => {
    expect(oneWinnerAtMost(conditions)).toBe(want)
  })
})
