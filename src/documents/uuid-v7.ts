/**
 * UUIDv7 (RFC 9562 section 5.7): the ids the server picks for documents created with POST. They begin with the
 * time of creation in milliseconds, so documents listed in id order (KV lists keys in byte order) are listed
 * oldest first, and lowercase hex with hyphens is a valid document id.
 *
 * Pure: Web Crypto's random bytes and the clock only.
 */

/** UUID_V7_PATTERN matches a UUIDv7 as uuidV7 writes it: lowercase, hyphenated, version 7, variant 10. */
export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

// The last timestamp used and the counter within it (RFC 9562 section 6.2, method 1: rand_a as a 12-bit
// counter), so that ids made by one isolate within one millisecond still sort in the order they were made:
// the Workers clock does not move while a request computes.
let lastMilliseconds = -1
let counter = 0

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0')

/**
 * uuidV7 returns a new UUIDv7. Within one isolate, each id sorts after the one before it, even within one
 * millisecond (up to 2048 of them; past that the timestamp moves on by one).
 *
 * @example uuidV7() // '019af3c2-5e1b-7a3c-9d2e-4f6a8b0c1d2e'
 */
export function uuidV7(now: number = Date.now()): string {
  let milliseconds = Math.max(Math.floor(now), lastMilliseconds)
  if (milliseconds === lastMilliseconds) {
    counter++
    if (counter > 0xfff) {
      milliseconds++
      counter = 0
    }
  } else {
    // Start low in the counter's range, so a burst within one millisecond has room to count up.
    counter = (crypto.getRandomValues(new Uint16Array(1))[0] as number) & 0x7ff
  }
  lastMilliseconds = milliseconds
  const random = crypto.getRandomValues(new Uint8Array(8))
  // Variant 10 in the top two bits of rand_b.
  random[0] = ((random[0] as number) & 0x3f) | 0x80
  const tail = Array.from(random, (byte) => hex(byte, 2)).join('')
  const time = hex(milliseconds, 12)
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(counter, 3)}-${tail.slice(0, 4)}-${tail.slice(4)}`
}
