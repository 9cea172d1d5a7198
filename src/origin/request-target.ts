/**
 * Which request targets origin mode forwards. The path after the prefix is appended to ORIGIN_URL's path, so
 * it must stay under it however the origin decodes it: WHATWG URL parsing (workerd's) has already resolved
 * literal dot segments and `%2e` ones, but not `..%2f`, `%5c`, a doubly encoded dot or an IIS `%u002e`, which
 * an origin that decodes once more (or differently) turns into a step up out of its base.
 *
 * Pure: strings only.
 */

/** MAX_DECODING_ROUNDS bounds how often a path is percent-decoded in search of a hidden separator or dot. */
export const MAX_DECODING_ROUNDS = 4

const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g
// IIS's %uXXXX escapes, which no standard decodes and some servers do.
const U_ESCAPE = /%u[0-9A-Fa-f]{4}/i
// Bytes no UTF-8 text holds but lenient decoders read as overlong forms of "/", "." or "\": C0 and C1, and
// E0 or F0 followed by a continuation byte too small for them.
const OVERLONG = /%c[01]|%e0%[89][0-9a-f]|%f0%8[0-9a-f]/i

// decodedOnce decodes every %XX escape to the byte it names, as a Latin-1 character: enough to see the ASCII
// separators, dots and NUL this check looks for, whatever the rest of the path holds.
function decodedOnce(path: string): string {
  return path.replace(PERCENT_ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

function isDotSegment(segment: string): boolean {
  // ";" starts a path parameter that Tomcat and others strip before resolving "..;" as "..".
  const name = segment.split(';', 1)[0] ?? ''
  return name === '.' || name === '..'
}

/**
 * refusedPathReason returns why a path under the origin prefix is refused, or null when it may be forwarded:
 * it holds, in any number of percent-encodings, an encoded "/" or a "\", a dot segment, NUL, a `%u` escape,
 * or an overlong UTF-8 form; or it is encoded more deeply than MAX_DECODING_ROUNDS.
 *
 * @example refusedPathReason('/users/1') // null
 * @example refusedPathReason('/..%2fsecret') // 'an encoded "/"'
 */
export function refusedPathReason(path: string): string | null {
  let current = path
  for (let round = 0; round <= MAX_DECODING_ROUNDS; round++) {
    if (U_ESCAPE.test(current)) return 'a %u escape'
    if (OVERLONG.test(current)) return 'an overlong UTF-8 form'
    if (current.includes('\0')) return 'a NUL'
    if (current.includes('\\')) return 'a "\\"'
    if (current.split('/').some(isDotSegment)) return 'a dot segment'
    const decoded = decodedOnce(current)
    if (decoded === current) return null
    if (decoded.split('/').length !== current.split('/').length) return 'an encoded "/"'
    current = decoded
  }
  return 'percent-encoding nested too deeply'
}
