/**
 * The origin's URLs (Location, Content-Location, Refresh, Link), on their way to the client. A URL inside ORIGIN_URL's base is
 * mapped to this worker's path for it, as a relative reference (RFC 9110 sections 10.2.2 and 8.7 allow one),
 * so nothing of the request's Host is reflected. A URL on the origin's own host outside the base, or on an
 * address that only makes sense inside the origin's network (a private, loopback or link-local IP, localhost,
 * a name with no dot), whatever its scheme (`ws:`, `ftp:`), would disclose what the prefix hides: it is never
 * passed on. Any other URL (a login page on another public host) passes as it is.
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

function isInternalIpv4([a = 0, b = 0, c = 0]: readonly number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    // RFC 6890's special-purpose blocks that the internet does not route: 192.0.0.0/24 (protocol
    // assignments), 198.18.0.0/15 (benchmarking, often used for lab and internal networks), 240.0.0.0/4.
    (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 240
  )
}

// ipv6Groups returns the eight 16-bit groups of an IPv6 address as the URL parser writes it (hex, "::"
// compressed), or null.
function ipv6Groups(address: string): number[] | null {
  const halves = address.split('::')
  if (halves.length > 2) return null
  const groupsOf = (part: string) =>
    part === ''
      ? []
      : part
          .split(':')
          .map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? Number.parseInt(group, 16) : Number.NaN))
  const head = groupsOf(halves[0] ?? '')
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : []
  const missing = 8 - head.length - tail.length
  if ((halves.length === 1 && missing !== 0) || missing < 0 || [...head, ...tail].some(Number.isNaN))
    return null
  return [...head, ...new Array<number>(missing).fill(0), ...tail]
}

// ipv4Of returns the IPv4 address two groups of an IPv6 address carry, as octets.
function ipv4Of(high: number, low: number): number[] {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff]
}

function isInternalIpv6(address: string): boolean {
  const groups = ipv6Groups(address.toLowerCase())
  if (groups === null) return true
  const [g0 = 0, g1 = 0, g2 = 0, , g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups
  const zeros = (count: number) => groups.slice(0, count).every((group) => group === 0)
  // Addresses that carry an IPv4 address are as internal as it is: IPv4-compatible ::a.b.c.d (which covers
  // :: and ::1), IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, NAT64 64:ff9b::a.b.c.d
  // (RFC 6052), 6to4 2002:aabb:ccdd:: (RFC 3056) and Teredo 2001:0::, whose client address is inverted.
  if (zeros(6)) return isInternalIpv4(ipv4Of(g6, g7))
  if (zeros(5) && g5 === 0xffff) return isInternalIpv4(ipv4Of(g6, g7))
  if (zeros(4) && g4 === 0xffff && g5 === 0) return isInternalIpv4(ipv4Of(g6, g7))
  // 64:ff9b:1::/48 is NAT64 for local use (RFC 8215): internal whatever it carries.
  if (g0 === 0x64 && g1 === 0xff9b) {
    return g2 === 1 || (groups.slice(2, 6).every((group) => group === 0) && isInternalIpv4(ipv4Of(g6, g7)))
  }
  if (g0 === 0x2002) return isInternalIpv4(ipv4Of(g1, g2))
  if (g0 === 0x2001 && g1 === 0) return isInternalIpv4(ipv4Of(~g6 & 0xffff, ~g7 & 0xffff))
  // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local (deprecated, still routed inside),
  // ff00::/8 multicast.
  return (g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0 || g0 >= 0xff00
}

/**
 * isInternalHost reports whether a URL's hostname (as WHATWG URL parsing writes it) names something inside a
 * network rather than on the internet: a private, loopback, link-local, CGNAT, benchmarking, reserved or
 * unspecified IP address (in IPv6, also one that carries such an IPv4 address: mapped, compatible, NAT64,
 * 6to4, Teredo), localhost, a single-label name, or a name under INTERNAL_NAME_SUFFIXES. A trailing dot (the
 * DNS root) changes nothing.
 *
 * @example isInternalHost('10.0.0.7') // true
 * @example isInternalHost('[64:ff9b::a00:7]') // true: NAT64 for 10.0.0.7
 * @example isInternalHost('login.example.com') // false
 */
export function isInternalHost(hostname: string): boolean {
  const name = withoutRootDot(hostname.toLowerCase())
  if (name.startsWith('[')) {
    // A caller's address in dotted form ([::ffff:10.0.0.1]) is written the parser's way first.
    const written =
      name.includes('.') && URL.canParse(`http://${name}/`) ? new URL(`http://${name}/`).hostname : name
    return isInternalIpv6(written.slice(1, -1))
  }
  const octets = ipv4Octets(name)
  if (octets !== null) return isInternalIpv4(octets)
  if (name === 'localhost' || !name.includes('.')) return true
  return INTERNAL_NAME_SUFFIXES.some((suffix) => name.endsWith(suffix))
}

// withoutRootDot returns a hostname without its trailing dot: "api.example.com." names the same host as
// "api.example.com" (the absolute form of the name).
function withoutRootDot(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname
}

// hostnameOf returns the host a URL names, whatever its scheme, as the URL parser writes an http one (so
// `foo://0xa000007/` names 10.0.0.7, as it would over http); '' for a URL without one (mailto:, data:).
function hostnameOf(url: URL): string {
  if (url.hostname === '') return ''
  const special = ['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:'].includes(url.protocol)
  if (special || !URL.canParse(`http://${url.host}/`)) return url.hostname
  return new URL(`http://${url.host}/`).hostname
}

/**
 * edgeLocation returns what the client gets for a URL the origin sends in Location, Content-Location,
 * Refresh or Link (absolute, or relative to `upstream`, the origin URL that was asked): this worker's path for
 * it when it is inside the origin's base, as a relative reference; the URL as it is when it names another
 * public host, whatever its scheme, or no host at all (`mailto:`); null (never passed on) when it names the
 * origin's own host (with or without a trailing dot) outside the base or under another scheme or port, an
 * internal host, or is unreadable.
 *
 * @example edgeLocation(config, upstream, '/users/3') // '/legacy/users/3'
 * @example edgeLocation(config, upstream, 'http://10.0.0.7/admin') // null
 * @example edgeLocation(config, upstream, 'ws://10.0.0.7/admin') // null
 */
export function edgeLocation(config: OriginConfig, upstream: URL, location: string): string | null {
  if (!URL.canParse(location, upstream)) return null
  const target = new URL(location, upstream)
  const host = hostnameOf(target)
  if (host === '') return location
  if (withoutRootDot(host) !== withoutRootDot(config.base.hostname)) {
    return isInternalHost(host) ? null : location
  }
  const basePath = config.base.pathname.replace(/\/$/, '')
  const inside =
    target.protocol === config.base.protocol &&
    target.port === config.base.port &&
    (basePath === '' || target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))
  if (!inside) return null
  const path = `${config.prefix}${target.pathname.slice(basePath.length)}` || '/'
  // A path that starts with "//" would read as a reference to another host ("//evil.example/x"): "/." keeps
  // it a path on this one (RFC 3986 section 5.2.4 removes the dot again).
  return `${path.startsWith('//') ? '/.' : ''}${path}${target.search}${target.hash}`
}
