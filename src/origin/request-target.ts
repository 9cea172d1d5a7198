/**
 * Which request targets origin mode forwards. The path after the prefix is appended to ORIGIN_URL's path, so
 * it must stay under it however the origin decodes it: WHATWG URL parsing (workerd's) has already resolved
 * literal dot segments and `%2e` ones, but not `..%2f`, `%5c`, a doubly encoded dot, an IIS `%u002e`, an
 * overlong UTF-8 dot, a full-width one or `..%20`, which an origin that decodes once more (or differently, or
 * normalises Unicode, or trims names as Windows does) turns into a step up out of its base.
 *
 * Pure: strings only.
 */

/** MAX_DECODING_ROUNDS bounds how often a path is percent-decoded in search of a hidden separator or dot. */
export const MAX_DECODING_ROUNDS = 4

const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g
// IIS's %uXXXX escapes, which no standard decodes and some servers do.
const U_ESCAPE = /%u[0-9A-Fa-f]{4}/i
// C0 controls, DEL and C1 controls (Unicode category Cc): an encoded CR LF splits a request line or a log line wherever the path is
// decoded and written again.
const CONTROL = /\p{Cc}/u
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

// decodedOnce decodes every %XX escape to the byte it names, as a Latin-1 character: the path stays a string
// of bytes, whatever they are.
function decodedOnce(path: string): string {
  return path.replace(PERCENT_ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

// textOf returns the text a string of bytes spells in UTF-8, or null when they are no UTF-8: an overlong form
// of "/", "." or "\" (%c0%af, %e0%80%ae, the 5- and 6-byte %f8... and %fc...), a lone continuation byte, a
// surrogate. Lenient decoders read those as the characters they resemble; none should be read at all.
function textOf(bytes: string): string | null {
  // A caller may pass text that is not bytes (a path the URL parser has not encoded): it is its own text.
  if (/[\u0100-\uffff]/.test(bytes)) return bytes
  try {
    return UTF8.decode(Uint8Array.from(bytes, (character) => character.charCodeAt(0)))
  } catch {
    return null
  }
}

// isDotSegment reports whether a segment is "." or ".." to some server: ";" starts a path parameter that
// Tomcat and others strip before resolving "..;" as ".."; Windows and IIS trim the dots and whitespace that end
// a name, so "..%20", "..%09" and "...." are ".." there.
function isDotSegment(segment: string): boolean {
  const name = segment.split(';', 1)[0] ?? ''
  return /^[.\s]*\.[.\s]*$/.test(name)
}

// compatibilityReason returns why a segment is refused once NFKC-normalised, as a server that normalises
// Unicode (or a file system that does) would read it: a full-width "／" or "＼", or dots like "．．" or "‥".
function compatibilityReason(segment: string): string | null {
  const normalised = segment.normalize('NFKC')
  if (normalised === segment) return null
  if (normalised.includes('/') || normalised.includes('\\')) return 'a character NFKC reads as "/" or "\\"'
  return isDotSegment(normalised) ? 'a character NFKC reads as a dot segment' : null
}

// textReason returns why the text a path decodes to, in one round, is refused.
function textReason(text: string): string | null {
  if (CONTROL.test(text)) return 'a control character'
  if (text.includes('\\')) return 'a "\\"'
  const segments = text.split('/')
  if (segments.some(isDotSegment)) return 'a dot segment'
  for (const segment of segments) {
    const reason = compatibilityReason(segment)
    if (reason !== null) return reason
  }
  return null
}

/**
 * refusedPathReason returns why a path under the prefix is refused, or null when it may be forwarded: it holds,
 * in any number of percent-encodings, an encoded "/" or a "\", a dot segment (`..;`, or dots and whitespace
 * only: `..%20`, `....`), a control character (NUL, an encoded CR or LF, DEL), a `%u` escape, bytes that are
 * no UTF-8 (an overlong form of any length), or a character NFKC reads as "/", "\" or a dot segment (full-width
 * `．．／`, `‥`); or it is encoded more deeply than MAX_DECODING_ROUNDS.
 *
 * @example refusedPathReason('/users/1') // null
 * @example refusedPathReason('/..%2fsecret') // 'an encoded "/"'
 */
export function refusedPathReason(path: string): string | null {
  let current = path
  for (let round = 0; round <= MAX_DECODING_ROUNDS; round++) {
    if (U_ESCAPE.test(current)) return 'a %u escape'
    const text = textOf(current)
    if (text === null) return 'bytes that are no UTF-8'
    const reason = textReason(text)
    if (reason !== null) return reason
    const decoded = decodedOnce(current)
    if (decoded === current) return null
    if (decoded.split('/').length !== current.split('/').length) return 'an encoded "/"'
    current = decoded
  }
  return 'percent-encoding nested too deeply'
}
