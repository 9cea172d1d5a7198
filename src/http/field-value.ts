/**
 * Small helpers for HTTP field values, RFC 9110 section 5.5: optional whitespace (OWS) is only SP and HTAB.
 */

/** isOptionalWhitespace reports whether a UTF-16 code unit is SP or HTAB (RFC 9110 section 5.6.3). */
export function isOptionalWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09
}

/**
 * trimOptionalWhitespace removes leading and trailing SP and HTAB, and nothing else: unlike
 * String#trim, it leaves line breaks and Unicode spaces in place so that they still make a value malformed.
 *
 * @example trimOptionalWhitespace(' \t"a" ') // '"a"'
 */
export function trimOptionalWhitespace(value: string): string {
  let start = 0
  let end = value.length
  while (start < end && isOptionalWhitespace(value.charCodeAt(start))) start++
  while (end > start && isOptionalWhitespace(value.charCodeAt(end - 1))) end--
  return value.slice(start, end)
}
