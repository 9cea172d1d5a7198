/**
 * HTTP-date, RFC 9110 section 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient
 * must still accept. Nothing else is an HTTP-date: ISO 8601 and the many forms `Date.parse` guesses at are
 * not. Times are whole seconds since the Unix epoch, the precision of the format.
 *
 * Pure: no framework, no storage. Parsers never throw; a malformed value is null.
 */

import { trimOptionalWhitespace } from './field-value.ts'

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const
const LONG_DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/**
 * The three forms, case-sensitive as the grammar's %s"..." strings are. Day and month names are checked
 * against the lists above after matching, so the patterns stay simple, anchored and free of backtracking.
 */
const FORMS = [
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  {
    pattern:
      /^(?<dayName>[A-Za-z]{3}), (?<day>\d{2}) (?<month>[A-Za-z]{3}) (?<year>\d{4}) (?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2}) GMT$/,
    dayNames: DAY_NAMES,
  },
  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
  {
    pattern:
      /^(?<dayName>[A-Za-z]{6,9}), (?<day>\d{2})-(?<month>[A-Za-z]{3})-(?<year>\d{2}) (?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2}) GMT$/,
    dayNames: LONG_DAY_NAMES,
  },
  // asctime: Sun Nov  6 08:49:37 1994, the day as "SP DIGIT" or "2DIGIT"
  {
    pattern:
      /^(?<dayName>[A-Za-z]{3}) (?<month>[A-Za-z]{3}) (?<day> [1-9]|\d{2}) (?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2}) (?<year>\d{4})$/,
    dayNames: DAY_NAMES,
  },
] as const

interface DateParts {
  year: number
  month: number // 0-11
  day: number
  hour: number
  minute: number
  second: number
}

function monthIndex(name: string | undefined): number {
  return MONTHS.indexOf(name as (typeof MONTHS)[number])
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return month === 1 && leap ? 29 : (DAYS_IN_MONTH[month] ?? 0)
}

// Range checks: day within its month, hour 0-23, minute 0-59, second 0-60 (60 is a leap second).
function toEpochSeconds(parts: DateParts): number | null {
  const { year, month, day, hour, minute, second } = parts
  if (month < 0 || day < 1 || day > daysInMonth(year, month)) return null
  if (hour > 23 || minute > 59 || second > 60) return null
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month, day)
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime() / 1000
}

// RFC 9110 section 5.6.7: a two-digit year that appears to be more than 50 years in the future is the most
// recent past year with the same last two digits.
function expandTwoDigitYear(twoDigits: number, nowSeconds: number): number {
  const currentYear = new Date(nowSeconds * 1000).getUTCFullYear()
  let year = currentYear - (currentYear % 100) + twoDigits
  if (year > currentYear + 50) year -= 100
  return year
}

/**
 * parseHttpDate returns the time an HTTP-date names, in whole seconds since the Unix epoch, or null when the
 * value is not an HTTP-date. `nowSeconds` anchors the two-digit years of the RFC 850 form.
 *
 * @example parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')  // 784111777
 * @example parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT') // 784111777
 * @example parseHttpDate('Sun Nov  6 08:49:37 1994')       // 784111777
 * @example parseHttpDate('1994-11-06T08:49:37Z')           // null
 */
export function parseHttpDate(value: string, nowSeconds = Math.floor(Date.now() / 1000)): number | null {
  const text = trimOptionalWhitespace(value)
  // The longest form (RFC 850 with "Wednesday") has 33 characters; a 64 KB value is rejected unscanned.
  if (text.length > 33) return null

  for (const { pattern, dayNames } of FORMS) {
    const parts = pattern.exec(text)?.groups
    if (parts === undefined) continue
    if (!(dayNames as readonly string[]).includes(parts.dayName ?? '')) return null
    const year = parts.year ?? ''
    return toEpochSeconds({
      year: year.length === 2 ? expandTwoDigitYear(Number(year), nowSeconds) : Number(year),
      month: monthIndex(parts.month),
      day: Number(parts.day),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      second: Number(parts.second),
    })
  }
  return null
}

/**
 * formatHttpDate renders a time (whole seconds since the Unix epoch) as an IMF-fixdate, the only form a
 * sender may generate.
 *
 * @example formatHttpDate(784111777) // 'Sun, 06 Nov 1994 08:49:37 GMT'
 */
export function formatHttpDate(epochSeconds: number): string {
  // Date#toUTCString is specified (ECMA-262) to produce exactly IMF-fixdate for years 0 to 9999.
  return new Date(Math.floor(epochSeconds) * 1000).toUTCString()
}
