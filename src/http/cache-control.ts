/**
 * Cache-Control directives, RFC 9111 section 5.2: just enough to tell a response meant for one user.
 *
 * Pure: no framework. Never throws; an unparsable member is skipped.
 */

/**
 * cacheDirectives returns the directive names of a Cache-Control field value, lower-cased (names are
 * case-insensitive, RFC 9111 section 5.2), arguments dropped: `private="Set-Cookie"` counts as `private`.
 *
 * @example cacheDirectives('Private, max-age=0') // Set { 'private', 'max-age' }
 */
export function cacheDirectives(value: string | null): Set<string> {
  const names = new Set<string>()
  if (value === null) return names
  // A quoted argument may hold commas; skip over quoted strings while splitting.
  let member = ''
  let quoted = false
  for (let index = 0; index <= value.length; index++) {
    const char = value[index]
    if (char === undefined || (char === ',' && !quoted)) {
      const name = member.split('=', 1)[0]?.trim().toLowerCase() ?? ''
      if (/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) names.add(name)
      member = ''
      continue
    }
    if (char === '"') quoted = !quoted
    else if (char === '\\' && quoted) index++
    member += char
  }
  return names
}

/**
 * isForOneUser reports whether a response's Cache-Control keeps it from being shared: `private` (a shared
 * cache MUST NOT store it, RFC 9111 section 5.2.2.7) or `no-store` (section 5.2.2.5).
 *
 * @example isForOneUser('private, max-age=60') // true
 * @example isForOneUser('public, no-cache')    // false
 */
export function isForOneUser(cacheControl: string | null): boolean {
  const directives = cacheDirectives(cacheControl)
  return directives.has('private') || directives.has('no-store')
}
