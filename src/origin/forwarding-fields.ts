/**
 * The fields that tell the origin who asked: a client may send any of them, naming any address or host it
 * likes, so the client's are dropped and edge-etag sends its own, built from what the worker knows.
 *
 * Pure: standard Headers only.
 */

/**
 * SPOOFABLE_FIELDS are request fields that origins (and the proxies, frameworks and rate limiters in front of
 * them) read as facts about the client, its address, or the URL and method it asked for: a client never
 * decides them. The method overrides go too: a GET must not reach the origin as a DELETE. No list names them
 * all, so SPOOFABLE_PATTERNS and isSpoofableField go further.
 */
export const SPOOFABLE_FIELDS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-server',
  'x-forwarded-ssl',
  'x-forwarded-scheme',
  'x-forwarded-uri',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'cf-connecting-ipv6',
  'x-original-url',
  'x-original-uri',
  'x-rewrite-url',
  'x-original-host',
  'x-host',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-scheme',
  'x-url-scheme',
  'front-end-https',
  'remote-user',
  'x-remote-user',
] as const

/**
 * SPOOFABLE_PATTERNS match the families of fields that SPOOFABLE_FIELDS cannot list one by one (names are
 * lower-case): anything forwarded (`X-Forwarded-By`, `Forwarded-For`, `X-Original-Forwarded-For`); a client's,
 * real, remote, originating or proxy user's address, host, port or scheme (`Fastly-Client-IP`,
 * `X-Originating-IP`, `WL-Proxy-Client-IP`, `X-ProxyUser-Ip`, `X-Real-Port`); an original or rewritten URL,
 * path, host or method (`X-Envoy-Original-Path`, `X-Original-Method`); method and host overrides; Envoy's,
 * IIS ARR's and Next.js middleware's own fields (`X-Middleware-Subrequest`, CVE-2025-29927).
 */
export const SPOOFABLE_PATTERNS: readonly RegExp[] = [
  /forwarded/,
  /(?:client|real|remote|originating|user|socket)-?(?:ip|ipv6|addr|address|host|port|proto|scheme)(?:-|$)/,
  /(?:original|rewrite|rewritten)-?(?:url|uri|path|host|method)(?:-|$)/,
  /(?:method|host)-?override/,
  /^x-envoy-/,
  /^x-arr-/,
  /^x-middleware-/,
]

/**
 * isSpoofableField reports whether a request field of the client's must not reach the origin: one of
 * SPOOFABLE_FIELDS or SPOOFABLE_PATTERNS; any `cf-*` field (Cloudflare's own, which a client may send where
 * nothing replaces them); and any name with an underscore, which CGI, WSGI, PHP and Rack read as a dash
 * (`X_Forwarded_For` becomes HTTP_X_FORWARDED_FOR) and nginx drops by default (`underscores_in_headers off`).
 *
 * @example isSpoofableField('X_Forwarded_For') // true
 * @example isSpoofableField('X-Request-Id') // false
 */
export function isSpoofableField(name: string): boolean {
  const lower = name.toLowerCase()
  return (
    lower.includes('_') ||
    lower.startsWith('cf-') ||
    (SPOOFABLE_FIELDS as readonly string[]).includes(lower) ||
    SPOOFABLE_PATTERNS.some((pattern) => pattern.test(lower))
  )
}

/** CLIENT_ADDRESS_FIELD is where Cloudflare puts the address of the client that connected to it. */
export const CLIENT_ADDRESS_FIELD = 'CF-Connecting-IP'

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** ClientAddress is an IP address as the worker was told it, and its family. */
export interface ClientAddress {
  readonly ip: string
  readonly family: 4 | 6
}

/**
 * clientAddressOf returns the client's IP address from Cloudflare's CF-Connecting-IP, or null when there is
 * none or it is not an IP address. On Cloudflare the field is Cloudflare's own; where nothing sets it (a local
 * `wrangler dev`), it is whatever the client sent, and only ever reaches the origin as an address.
 *
 * @example clientAddressOf(new Headers({ 'CF-Connecting-IP': '2001:db8::1' })) // { ip: '2001:db8::1', family: 6 }
 */
export function clientAddressOf(headers: Headers): ClientAddress | null {
  const ip = headers.get(CLIENT_ADDRESS_FIELD)?.trim() ?? ''
  if (IPV4.test(ip)) return { ip, family: 4 }
  // An IPv6 address is whatever the URL parser takes between brackets (no zone, no brackets of its own).
  if (/^[0-9A-Fa-f:.]+$/.test(ip) && ip.includes(':') && URL.canParse(`http://[${ip}]/`)) {
    return { ip, family: 6 }
  }
  return null
}

/**
 * forwardingFields returns the fields that tell the origin where a request came from: RFC 7239's Forwarded
 * (`for` quoted and bracketed for IPv6, section 6; `for=unknown` when no address is known, section 6.2) and the
 * X-Forwarded-For and X-Forwarded-Proto most origins read. No host: the origin is not invited to build URLs
 * from a Host the client chose (its Location fields are mapped back here instead).
 *
 * @example forwardingFields({ ip: '192.0.2.1', family: 4 }, 'https').get('Forwarded') // 'for=192.0.2.1;proto=https'
 */
export function forwardingFields(client: ClientAddress | null, proto: 'http' | 'https'): Headers {
  const node = client === null ? 'unknown' : client.family === 6 ? `"[${client.ip}]"` : client.ip
  const fields = new Headers({ Forwarded: `for=${node};proto=${proto}`, 'X-Forwarded-Proto': proto })
  if (client !== null) fields.set('X-Forwarded-For', client.ip)
  return fields
}
