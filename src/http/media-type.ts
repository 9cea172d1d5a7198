/**
 * Media types, RFC 9110 section 8.3.1: `type "/" subtype *( OWS ";" OWS parameter )`, where type,
 * subtype and parameter names are case-insensitive.
 *
 * Pure: no framework.
 */

import { trimOptionalWhitespace } from './field-value.ts'

/**
 * isJsonContentType reports whether a Content-Type field value is `application/json`, compared
 * case-insensitively, with any parameters; a `charset` other than UTF-8 is refused, since JSON text
 * exchanged between systems must be UTF-8 (RFC 8259 section 8.1).
 *
 * @example isJsonContentType('Application/JSON; charset="utf-8"') // true
 * @example isJsonContentType('text/plain')                        // false
 */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false
  const [essence = '', ...parameters] = value.split(';')
  if (trimOptionalWhitespace(essence).toLowerCase() !== 'application/json') return false
  for (const parameter of parameters) {
    const separator = parameter.indexOf('=')
    const name = trimOptionalWhitespace(
      parameter.slice(0, separator === -1 ? undefined : separator),
    ).toLowerCase()
    if (name !== 'charset') continue
    const charset = trimOptionalWhitespace(parameter.slice(separator + 1))
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase()
    if (charset !== 'utf-8' && charset !== 'utf8') return false
  }
  return true
}
