/**
 * Hono middleware that stamps every response with a Date field.
 */

import { createMiddleware } from 'hono/factory'
import { formatHttpDate } from './http/http-date.ts'

/**
 * dateHeader sets Date on each response that lacks one. RFC 9110 section 6.6.1 requires it of an origin
 * with a clock, caches use it to age what they store, and a 304 must repeat it; workerd does not add it
 * (Cloudflare's edge does, which this leaves in place).
 */
export const dateHeader = createMiddleware(async (c, next) => {
  await next()
  if (!c.res.headers.has('Date')) c.res.headers.set('Date', currentHttpDate())
})

// The field changes once a second; an isolate answering many requests a second formats it once.
let formattedSecond = Number.NaN
let formatted = ''

function currentHttpDate(): string {
  const second = Math.floor(Date.now() / 1000)
  if (second !== formattedSecond) {
    formattedSecond = second
    formatted = formatHttpDate(second)
  }
  return formatted
}
