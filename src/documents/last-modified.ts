/**
 * Last-Modified for a change: the time of the change, in whole seconds, moved on past the previous one.
 */

import { formatHttpDate, parseHttpDate } from '../http/http-date.ts'

/** The longest wait for the clock to pass a previous Last-Modified (more means the clock went back). */
const MAX_WAIT_MS = 1_100

/**
 * nextLastModified returns the Last-Modified of a change made now to something last modified at
 * `previous`. Last-Modified is a validator (RFC 9110 section 8.8.2), so two changes must not share one: with
 * one-second resolution, an If-Unmodified-Since write could otherwise overwrite a change made in the same
 * second, and an If-Modified-Since read get a 304 for content it does not have. Nor may it lie in the future
 * (section 8.8.2.1). So a second change within one second waits for the next second, which also keeps to
 * KV's limit of one write per second per key.
 *
 * It is never earlier than one second after `previous`, even when this clock is behind the one that wrote
 * `previous` by more than the wait: a validator that moves backwards would let a stale If-Unmodified-Since
 * pass, which is worse than a date a moment ahead of this clock.
 *
 * @example await nextLastModified('Sun, 22 Nov 2026 00:28:03 GMT') // 'Sun, 22 Nov 2026 00:28:04 GMT' or later
 */
export async function nextLastModified(previous: string | undefined): Promise<string> {
  const previousSeconds = previous === undefined ? null : parseHttpDate(previous)
  if (previousSeconds !== null && previousSeconds >= Math.floor(Date.now() / 1000)) {
    const wait = Math.min((previousSeconds + 1) * 1000 - Date.now(), MAX_WAIT_MS)
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  }
  const now = Math.floor(Date.now() / 1000)
  return formatHttpDate(previousSeconds === null ? now : Math.max(now, previousSeconds + 1))
}
