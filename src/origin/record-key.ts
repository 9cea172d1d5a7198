/**
 * Which URL a record of the origin is kept under. A client can spell one URL many ways (`?&&`, `%75sers` for
 * `users`, `%2d` for `-`, a query in another order), and each spelling that were a key of its own would cost a
 * KV write; so records are keyed on one spelling per URL, and URLs whose spellings cannot be told apart from
 * other resources (`;` path parameters, empty segments, a repeated parameter) are not recorded at all: they are
 * still answered with our tag, hashed afresh, as an unrecordable query is.
 *
 * Pure: strings and URLs only.
 */

// RFC 3986 section 2.3: the characters a URI may hold as they are, or percent-encoded, to the same effect.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/
// RFC 3986 section 2.2: the characters that may delimit, and so never equal their percent-encoding.
const RESERVED = /^[:/?#[\]@!$&'()*+,;=]$/

/**
 * normalisedPath returns a path in one spelling (RFC 3986 section 6.2.2): percent-encoded unreserved characters
 * decoded (`%75sers` is `users`), every other escape's hex upper-cased (`%c3%a9` is `%C3%A9`), and the ASCII
 * characters that are neither reserved nor unreserved (`|`, `^`, which the URL parser leaves as they come)
 * percent-encoded, as the parser already encodes `{`, `}` and space.
 *
 * @example normalisedPath('/%75sers/a%2db') // '/users/a-b'
 */
export function normalisedPath(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})|[^%]/g, (match, hex: string | undefined) => {
    if (hex === undefined) {
      const code = match.charCodeAt(0)
      if (UNRESERVED.test(match) || RESERVED.test(match) || code > 0x7e) return match
      return `%${code.toString(16).toUpperCase().padStart(2, '0')}`
    }
    const character = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(character) ? character : `%${hex.toUpperCase()}`
  })
}

/**
 * unrecordablePathReason returns why the records of a path are not kept, or null when they may be: it holds
 * `;` (literal or `%3B`: a path parameter, which Tomcat, Spring and others strip, so `/users;x=1`, `;x=2`, ...
 * would each be a key for one resource), or an empty segment (`//`, which many servers merge). A trailing slash
 * is allowed: it is one spelling more, not endless ones.
 *
 * @example unrecordablePathReason('/users/1;x=2') // 'a ";"'
 * @example unrecordablePathReason('/users/') // null
 */
export function unrecordablePathReason(path: string): string | null {
  if (path.includes(';') || /%3b/i.test(path)) return 'a ";"'
  if (path.split('/').slice(1, -1).includes('')) return 'an empty segment'
  return null
}

/**
 * recordKeyOf returns the URL whose record answers for `url`, in one spelling: its origin, its path normalised
 * (normalisedPath), and its query reduced to its parameters (empty pairs dropped) sorted by name, decoded and
 * encoded again (so `a+b` and `a%20b` are one); no fragment. It returns null when `url` is not recorded: its
 * query names a parameter `recordQuery` (ORIGIN_RECORD_QUERY) does not list, or names one twice (`?page=1&page=1`
 * could be repeated endlessly), or its path is unrecordable (unrecordablePathReason). Names compare exactly, as
 * URLSearchParams reads them.
 *
 * @example recordKeyOf(new URL('https://api.example/%75sers?&&limit=5&page=2'), ['page', 'limit'])
 * // 'https://api.example/users?limit=5&page=2'
 * @example recordKeyOf(new URL('https://api.example/users?utm_source=x'), []) // null
 */
export function recordKeyOf(url: URL, recordQuery: readonly string[]): string | null {
  if (unrecordablePathReason(url.pathname) !== null) return null
  const pairs = [...url.searchParams]
  const names = pairs.map(([name]) => name)
  if (names.some((name) => !recordQuery.includes(name))) return null
  if (new Set(names).size !== names.length) return null
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const query = new URLSearchParams(pairs).toString()
  return `${url.origin}${normalisedPath(url.pathname)}${query === '' ? '' : `?${query}`}`
}
