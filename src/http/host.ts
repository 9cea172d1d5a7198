/**
 * The Host field, RFC 9110 section 7.2: `Host = uri-host [ ":" port ]`, with uri-host from RFC 3986 section
 * 3.2.2 (an IP literal in brackets, an IPv4 address, or a registered name).
 *
 * Pure: no framework.
 */

// reg-name: unreserved, pct-encoded and sub-delims characters; IPv4 addresses fit it too. Never "/", "?",
// "#", "@", or whitespace, which would let the Host change the path or query that the runtime routes.
const REG_NAME = /(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+/
// IP-literal: an IPv6 address (loosely: hex digits, colons, dots, an optional zone) or an IPvFuture.
const IP_LITERAL =
  /\[(?:[0-9A-Fa-f:.]+(?:%25[A-Za-z0-9\-._~]+)?|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]/
const HOST = new RegExp(`^(?:${IP_LITERAL.source}|${REG_NAME.source})(?::[0-9]{0,5})?$`)

/**
 * isValidHost reports whether a Host field value is `host[:port]` as RFC 9110 and RFC 3986 define it. A
 * server must answer 400 to a Host field with an invalid value (RFC 9110 section 7.2).
 *
 * @example isValidHost('api.example.com:8443') // true
 * @example isValidHost('[::1]:8787')           // true
 * @example isValidHost('x/api/items/apple?')   // false
 */
export function isValidHost(value: string): boolean {
  return value.length <= 1024 && HOST.test(value)
}

/**
 * isPathTarget reports whether a request's URL, as the runtime built it from Host and the request target,
 * came from a path: workerd appends an asterisk-form target (`OPTIONS *`, RFC 9112 section 3.2.4) to the
 * host, giving `http://host*`, or a URL it cannot parse at all when Host has a port.
 *
 * @example isPathTarget('https://edge.example/legacy/users') // true
 * @example isPathTarget('http://edge.example*') // false
 */
export function isPathTarget(url: string): boolean {
  // The authority runs from "//" to the path; every request pays this check, so it reads the string, not a URL.
  const start = url.indexOf('//')
  if (start === -1) return false
  const end = url.indexOf('/', start + 2)
  return !url.slice(start + 2, end === -1 ? url.length : end).includes('*')
}
