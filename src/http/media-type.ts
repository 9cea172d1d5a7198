/**
 * Media types, RFC 9110 section 8.3.1: `type "/" subtype *( OWS ";" OWS parameter )`, where type,
 * subtype and parameter names are case-insensitive.
 *
 * Pure: no framework.
 */

import { trimOptionalWhitespace } from './field-value.ts'

/**
 * isMediaType reports whether a Content-Type field value names the media type `essence` (such as
 * `application/merge-patch+json`), compared case-insensitively, with any parameters. A `charset` other than
 * UTF-8 is refused: every type this API reads is JSON, and JSON text exchanged between systems must be UTF-8
 * (RFC 8259 section 8.1).
 *
 * @example isMediaType('Application/Merge-Patch+JSON', 'application/merge-patch+json') // true
 * @example isMediaType('application/json; charset=latin1', 'application/json')        // false
 */
export function isMediaType(value: string | null, essence: string): boolean {
  if (value === null) return false
  const [given = '', ...parameters] = splitParameters(value)
  if (trimOptionalWhitespace(given).toLowerCase() !== essence) return false
  for (const parameter of parameters) {
    const separator = parameter.indexOf('=')
    if (separator === -1) continue
    if (trimOptionalWhitespace(parameter.slice(0, separator)).toLowerCase() !== 'charset') continue
    const charset = unquote(trimOptionalWhitespace(parameter.slice(separator + 1))).toLowerCase()
    if (charset !== 'utf-8' && charset !== 'utf8') return false
  }
  return true
}

/**
 * isJsonContentType reports whether a Content-Type field value is `application/json` (see isMediaType).
 *
 * @example isJsonContentType('Application/JSON; charset="utf-8"') // true
 * @example isJsonContentType('text/plain')                        // false
 */
export function isJsonContentType(value: string | null): boolean {
  return isMediaType(value, 'application/json')
}

/**
 * isJsonFamilyType reports whether a Content-Type names JSON: `application/json` or any `+json` structured
 * syntax suffix (RFC 6839 section 3.1), such as `application/problem+json`, with a UTF-8 charset or none.
 *
 * @example isJsonFamilyType('application/vnd.api+json') // true
 * @example isJsonFamilyType('application/jsonl')        // false
 */
export function isJsonFamilyType(value: string | null): boolean {
  if (value === null) return false
  const essence = trimOptionalWhitespace(splitParameters(value)[0] ?? '').toLowerCase()
  const json =
    essence === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(essence)
  return json && isMediaType(value, essence)
}

// splitParameters splits at each ";" outside a quoted-string (RFC 9110 section 5.6.4), where a backslash
// escapes the next character.
function splitParameters(value: string): string[] {
  const parts: string[] = []
  let start = 0
  let quoted = false
  for (let index = 0; index < value.length; index++) {
    const char = value[index]
    if (quoted) {
      if (char === '\\') index++
      else if (char === '"') quoted = false
    } else if (char === '"') {
      quoted = true
    } else if (char === ';') {
      parts.push(value.slice(start, index))
      start = index + 1
    }
  }
  parts.push(value.slice(start))
  return parts
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value
  return value.slice(1, -1).replace(/\\(.)/g, '$1')
}
