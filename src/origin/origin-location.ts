/**
 * The origin's Location and Content-Location, on their way to the client. A URL inside ORIGIN_URL's base is
 * mapped to this worker's path for it, as a relative reference (RFC 9110 sections 10.2.2 and 8.7 allow one),
 * so nothing of the request's Host is reflected. A URL on the origin's own host outside the base, or on an
 * address that only makes sense inside the origin's network (a private, loopback or link-local IP, localhost,
 * a name with no dot), would disclose what the prefix hides: it is never passed on. Any other URL (a login
 * page on another public host) passes as it is.
 *
 * Pure: no framework.
 */

import type { OriginConfig } from './origin-config.ts'

/** INTERNAL_NAME_SUFFIXES are DNS names that only resolve inside a network (RFC 6761, RFC 6762, RFC 8375). */
export const INTERNAL_NAME_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.lan', '.corp']

function ipv4Octets(hostname: string): number[] | null {
  const parts = hostname.split('.')
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return null
  return parts.map(Number)
}

function isInternalIpv4([a = 0, b = 0]: readonly number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  )
}

function isInternalIpv6(address: string): boolean {
  const lower = address.toLowerCase()
  // The URL parser has already compressed the address: "::1" and "::" are as short as they get.
  if (lower === '::1' || lower === '::') return true
  // An IPv4-mapped address, which the parser writes in hex: ::ffff:a00:1 is 10.0.0.1.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (mapped !== null) {
    const high = Number.parseInt(mapped[1] ?? '0', 16)
    return isInternalIpv4([high >> 8, high & 0xff])
  }
  // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local (deprecated, still routed inside).
  return (
    /^f[cd][0-9a-f]{2}:/.test(lower) || /^fe[89ab][0-9a-f]:/.test(lower) || /^fe[c-f][0-9a-f]:/.test(lower)
  )
}

/**
 * isInternalHost reports whether a URL's hostname (as WHATWG URL parsing writes it) names something inside a
 * network rather than on the internet: a private, loopback, link-local, CGNAT or unspecified IP address,
 * localhost, a single-label name, or a name under INTERNAL_NAME_SUFFIXES.
 *
 * @example isInternalHost('10.0.0.7') // true
 * @example isInternalHost('login.example.com') // false
 */
export function isInternalHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  if (name.startsWith('[')) return isInternalIpv6(name.slice(1, -1))
  const octets = ipv4Octets(name)
  if (octets !== null) return isInternalIpv4(octets)
  if (name === 'localhost' || !name.includes('.')) return true
  return INTERNAL_NAME_SUFFIXES.some((suffix) => name.endsWith(suffix))
}

/**
 * edgeLocation returns what the client gets for a URL the origin sends in Location or Content-Location
 * (absolute, or relative to `upstream`, the origin URL that was asked): this worker's path for it when it is
 * inside the origin's base, as a relative reference; the URL as it is when it is on another public host; null
 * (never passed on) when it is on the origin's own host outside the base, on an internal host, or unreadable.
 *
 * @example edgeLocation(config, upstream, '/users/3') // '/legacy/users/3'
 * @example edgeLocation(config, upstream, 'http://10.0.0.7/admin') // null
 */
export function edgeLocation(config: OriginConfig, upstream: URL, location: string): string | null {
  if (!URL.canParse(location, upstream)) return null
  const target = new URL(location, upstream)
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return location
  if (target.hostname !== config.base.hostname) return isInternalHost(target.hostname) ? null : location
  const basePath = config.base.pathname.replace(/\/$/, '')
  const inside =
    target.origin === config.base.origin &&
    (basePath === '' || target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))
  if (!inside) return null
  const path = `${config.prefix}${target.pathname.slice(basePath.length)}` || '/'
  // A path that starts with "//" would read as a reference to another host ("//evil.example/x"): "/." keeps
  // it a path on this one (RFC 3986 section 5.2.4 removes the dot again).
  return `${path.startsWith('//') ? '/.' : ''}${path}${target.search}${target.hash}`
}
