import { describe, expect, it } from 'vitest'
import { formatHttpDate, parseHttpDate } from '../../src/http/http-date.ts'

// RFC 9110 section 5.6.7's example instant: Sun, 06 Nov 1994 08:49:37 GMT.
const EXAMPLE = 784_111_777

const utc = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number =>
  Date.UTC(year, month - 1, day, hour, minute, second) / 1000

// An anchor for the RFC 850 two-digit years: 1 June 2025.
const NOW_2025 = utc(2025, 6, 1)
const NOW_2090 = utc(2090, 6, 1)

describe('parseHttpDate', () => {
  it('agrees with the test helper on the RFC example instant', () => {
    expect(utc(1994, 11, 6, 8, 49, 37)).toBe(EXAMPLE)
  })

  // RFC 9110 section 5.6.7: the three forms a recipient must accept.
  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['the obsolete RFC 850 form', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['the obsolete asctime form', 'Sun Nov  6 08:49:37 1994'],
  ])('reads %s', (_form, value) => {
    expect(parseHttpDate(value, NOW_2025)).toBe(EXAMPLE)
  })

  it.each([
    ['IMF-fixdate with surrounding OWS', ' \tSun, 06 Nov 1994 08:49:37 GMT\t '],
    ['asctime with a two-digit day', 'Sun Nov 06 08:49:37 1994'],
  ])('reads %s', (_label, value) => {
    expect(parseHttpDate(value, NOW_2025)).toBe(EXAMPLE)
  })

  it.each([
    ['Wed, 12 Mar 2025 23:59:59 GMT', utc(2025, 3, 12, 23, 59, 59)],
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['Wed, 31 Dec 1969 23:59:59 GMT', -1],
    ['Fri, 31 Dec 9999 23:59:59 GMT', utc(9999, 12, 31, 23, 59, 59)],
    ['Tue, 29 Feb 2000 00:00:00 GMT', utc(2000, 2, 29)],
    ['Thu, 29 Feb 2024 12:00:00 GMT', utc(2024, 2, 29, 12)],
    ['Wed, 30 Apr 2025 00:00:00 GMT', utc(2025, 4, 30)],
    ['Sat Dec 31 23:59:59 2016', utc(2016, 12, 31, 23, 59, 59)],
    ['Wednesday, 12-Mar-25 23:59:59 GMT', utc(2025, 3, 12, 23, 59, 59)],
  ])('reads %s', (value, expected) => {
    expect(parseHttpDate(value, NOW_2025)).toBe(expected)
  })

  // Years 0 to 99 are years 0 to 99, not 1900 to 1999 as Date.UTC would have it.
  it.each([
    ['Sat, 01 Jan 0000 00:00:00 GMT', -62_167_219_200],
    ['Mon, 01 Jan 0001 00:00:00 GMT', -62_135_596_800],
    ['Thu, 31 Dec 0099 00:00:00 GMT', -59_011_545_600],
    ['Mon Jan  1 00:00:00 0001', -62_135_596_800],
  ])('reads the four-digit year of %s literally', (value, expected) => {
    expect(parseHttpDate(value, NOW_2025)).toBe(expected)
  })

  it('accepts a leap second, 23:59:60', () => {
    const parsed = parseHttpDate('Sat, 31 Dec 2016 23:59:60 GMT', NOW_2025)
    expect(parsed).not.toBeNull()
    expect(parsed).toBeGreaterThanOrEqual(utc(2016, 12, 31, 23, 59, 59))
    expect(parsed).toBeLessThanOrEqual(utc(2017, 1, 1))
  })

  describe('RFC 850 two-digit years', () => {
    // RFC 9110 section 5.6.7: a year more than 50 years in the future is the most recent past year with the
    // same last two digits.
    it.each([
      ['Sunday, 06-Nov-94 08:49:37 GMT', NOW_2025, EXAMPLE],
      ['Wednesday, 06-Nov-30 00:00:00 GMT', NOW_2025, utc(2030, 11, 6)],
      ['Tuesday, 06-Nov-74 00:00:00 GMT', NOW_2025, utc(2074, 11, 6)],
      ['Sunday, 06-Nov-77 00:00:00 GMT', NOW_2025, utc(1977, 11, 6)],
      ['Sunday, 06-Nov-05 00:00:00 GMT', NOW_2025, utc(2005, 11, 6)],
      ['Saturday, 06-Nov-94 00:00:00 GMT', NOW_2090, utc(2094, 11, 6)],
      ['Sunday, 06-Nov-05 00:00:00 GMT', NOW_2090, utc(2005, 11, 6)],
      ['Saturday, 06-Nov-77 00:00:00 GMT', NOW_2090, utc(2077, 11, 6)],
    ])('reads %s, seen at %i, as %i', (value, now, expected) => {
      expect(parseHttpDate(value, now)).toBe(expected)
    })
  })

  it.each([
    ['ISO 8601', '1994-11-06T08:49:37Z'],
    ['ISO 8601 with an offset', '1994-11-06T08:49:37+00:00'],
    ['a single-digit day in IMF-fixdate', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['+0000 instead of GMT', 'Sun, 06 Nov 1994 08:49:37 +0000'],
    ['UTC instead of GMT', 'Sun, 06 Nov 1994 08:49:37 UTC'],
    ['no zone', 'Sun, 06 Nov 1994 08:49:37'],
    ['lowercase gmt', 'Sun, 06 Nov 1994 08:49:37 gmt'],
    ['a lowercase day name', 'sun, 06 Nov 1994 08:49:37 GMT'],
    ['a lowercase month', 'Sun, 06 nov 1994 08:49:37 GMT'],
    ['an uppercase day name', 'SUN, 06 Nov 1994 08:49:37 GMT'],
    ['missing seconds', 'Sun, 06 Nov 1994 08:49 GMT'],
    ['no day name', '06 Nov 1994 08:49:37 GMT'],
    ['no comma', 'Sun 06 Nov 1994 08:49:37 GMT'],
    ['a long day name in IMF-fixdate', 'Sunday, 06 Nov 1994 08:49:37 GMT'],
    ['a short day name in the RFC 850 form', 'Sun, 06-Nov-94 08:49:37 GMT'],
    ['an unknown day name', 'Foo, 06 Nov 1994 08:49:37 GMT'],
    ['an unknown month', 'Sun, 06 Nov 1994 08:49:37 GMT'.replace('Nov', 'Nvm')],
    ['a full month name', 'Sun, 06 November 1994 08:49:37 GMT'],
    ['a two-digit year in IMF-fixdate', 'Sun, 06 Nov 94 08:49:37 GMT'],
    ['a four-digit year in the RFC 850 form', 'Sunday, 06-Nov-1994 08:49:37 GMT'],
    ['a single space before a one-digit asctime day', 'Sun Nov 6 08:49:37 1994'],
    ['a zero-padded asctime day after two spaces', 'Sun Nov  06 08:49:37 1994'],
    ['a space and a zero as asctime day', 'Sun Nov  0 08:49:37 1994'],
    ['a doubled space', 'Sun,  06 Nov 1994 08:49:37 GMT'],
    ['a tab instead of a space', 'Sun,\t06 Nov 1994 08:49:37 GMT'],
    ['a trailing line feed', 'Sun, 06 Nov 1994 08:49:37 GMT\n'],
    ['fractional seconds', 'Sun, 06 Nov 1994 08:49:37.5 GMT'],
    ['a one-digit hour', 'Sun, 06 Nov 1994 8:49:37 GMT'],
    ['non-ASCII digits', 'Sun, \u0660\u0666 Nov 1994 08:49:37 GMT'],
    ['the Unix epoch as a number', '784111777'],
    ['the empty string', ''],
    ['only spaces', '   '],
  ])('rejects %s', (_label, value) => {
    expect(parseHttpDate(value, NOW_2025)).toBeNull()
  })

  it.each([
    ['29 February in a year divisible by 100 but not 400', 'Thu, 29 Feb 1900 00:00:00 GMT'],
    ['29 February in a common year', 'Sat, 29 Feb 2025 00:00:00 GMT'],
    ['30 February', 'Mon, 30 Feb 2004 00:00:00 GMT'],
    ['31 April', 'Thu, 31 Apr 2025 00:00:00 GMT'],
    ['31 June', 'Tue, 31 Jun 2025 00:00:00 GMT'],
    ['day 32', 'Sun, 32 Jan 2025 00:00:00 GMT'],
    ['day 00', 'Sun, 00 Jan 2025 00:00:00 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:37 GMT'],
    ['second 61', 'Sun, 06 Nov 1994 08:49:61 GMT'],
    ['31 April in the RFC 850 form', 'Thursday, 31-Apr-25 00:00:00 GMT'],
    ['29 February 1900 in the asctime form', 'Thu Feb 29 00:00:00 1900'],
    ['hour 24 in the asctime form', 'Sun Nov  6 24:00:00 1994'],
  ])('rejects an impossible date or time: %s', (_label, value) => {
    expect(parseHttpDate(value, NOW_2025)).toBeNull()
  })

  // A repeated field arrives joined by ", " (RFC 9110 section 5.3), and a list of dates is not an HTTP-date.
  it('reads a date padded with 64 KB of OWS quickly, since OWS around a field value is not part of it', () => {
    const started = performance.now()
    expect(parseHttpDate(`${' \t'.repeat(32_768)}Sun, 06 Nov 1994 08:49:37 GMT `, NOW_2025)).toBe(EXAMPLE)
    expect(performance.now() - started).toBeLessThan(200)
  })

  it('rejects two dates joined by a comma', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT', NOW_2025)).toBeNull()
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994, Sun Nov  6 08:49:37 1994', NOW_2025)).toBeNull()
  })

  it.each([
    ['64 KB of garbage', 'x'.repeat(65_536)],
    ['a valid date followed by 64 KB of text', `Sun, 06 Nov 1994 08:49:37 GMT${'x'.repeat(65_536)}`],
    ['64 KB of digits', '9'.repeat(65_536)],
  ])('returns null quickly for %s', (_label, value) => {
    const started = performance.now()
    expect(parseHttpDate(value, NOW_2025)).toBeNull()
    expect(performance.now() - started).toBeLessThan(200)
  })
})

describe('formatHttpDate', () => {
  it.each([
    [EXAMPLE, 'Sun, 06 Nov 1994 08:49:37 GMT'],
    [0, 'Thu, 01 Jan 1970 00:00:00 GMT'],
    [utc(2000, 2, 29), 'Tue, 29 Feb 2000 00:00:00 GMT'],
    [utc(2025, 3, 9, 7, 5, 3), 'Sun, 09 Mar 2025 07:05:03 GMT'],
    [utc(9999, 12, 31, 23, 59, 59), 'Fri, 31 Dec 9999 23:59:59 GMT'],
    [-62_135_596_800, 'Mon, 01 Jan 0001 00:00:00 GMT'],
    [EXAMPLE + 0.999, 'Sun, 06 Nov 1994 08:49:37 GMT'],
  ])('renders %d as the IMF-fixdate %s', (seconds, expected) => {
    expect(formatHttpDate(seconds)).toBe(expected)
  })

  it('produces what parseHttpDate reads back', () => {
    for (const seconds of [0, EXAMPLE, utc(2038, 1, 19, 3, 14, 8), utc(9999, 12, 31, 23, 59, 59), -1]) {
      expect(parseHttpDate(formatHttpDate(seconds))).toBe(seconds)
    }
  })
})
