/**
 * The Vary field, RFC 9110 section 12.5.5: which request fields chose the representation a response carries.
 *
 * Pure: no framework. Never throws.
 */

/** VaryingFields is a Vary field parsed: `*` (anything may matter), or the request field names, lower-cased. */
export type VaryingFields = '*' | readonly string[]

/**
 * parseVary returns the field names a Vary value lists, lower-cased, sorted and without repeats (field names
 * are case-insensitive), or `*` when the value is or contains `*` (RFC 9110 section 12.5.5: the choice depends
 * on more than fields). An absent field varies on nothing.
 *
 * @example parseVary('Accept-Language, accept') // ['accept', 'accept-language']
 * @example parseVary('*')                        // '*'
 */
export function parseVary(value: string | null): VaryingFields {
  if (value === null) return []
  const names = new Set<string>()
  for (const member of value.split(',')) {
    const name = member.trim().toLowerCase()
    if (name === '*') return '*'
    if (/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) names.add(name)
  }
  return [...names].sort()
}
