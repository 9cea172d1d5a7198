import { describe, expect, it } from 'vitest'
import { parseVary } from '../../src/http/vary.ts'

describe('parseVary', () => {
  // RFC 9110 section 12.5.5: a list of field names, or "*".
  it.each([
    { value: null, want: [] },
    { value: '', want: [] },
    { value: 'Accept-Encoding', want: ['accept-encoding'] },
    { value: 'accept-language, Accept, ACCEPT', want: ['accept', 'accept-language'] },
    { value: '*', want: '*' },
    { value: 'Accept, *', want: '*' },
    { value: 'Accept, bad name, ,', want: ['accept'] },
  ])('reads $value', ({ value, want }) => {
    expect(parseVary(value)).toEqual(want)
  })
})
