/**
 * The request edge-etag sends the origin, and the fields of the origin's answer it passes on.
 *
 * Pure: standard Headers only.
 */

import { originAcceptEncoding } from './content-coding.ts'
import { clientAddressOf, forwardingFields, isSpoofableField } from './forwarding-fields.ts'
import { type Relocate, relocatedLink, relocatedRefresh } from './located-fields.ts'

/** HOP_BY_HOP_FIELDS describe one connection, not the message (RFC 9110 section 7.6.1): never forwarded. */
export const HOP_BY_HOP_FIELDS = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
] as const

/**
 * CLIENT_CONDITION_FIELDS hold the client's validators, which are ours, not the origin's, so they never
 * reach it as they are; Range too: a part of a body cannot be hashed into the whole body's tag, and a server
 * may ignore Range (RFC 9110 section 14.2).
 */
export const CLIENT_CONDITION_FIELDS = [
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
  'range',
] as const

/** ORIGIN_VALIDATOR_FIELDS are the origin's validators, which differ per replica: the client sees ours only. */
export const ORIGIN_VALIDATOR_FIELDS = ['etag', 'last-modified'] as const

// Fields of a request body, dropped when a write is checked with a GET first.
const BODY_FIELDS = ['content-type', 'content-length', 'content-encoding', 'content-language']

/**
 * BODY_BOUND_FIELDS describe the exact bytes the origin sent (their framing, coding, digests, ranges), so they
 * go when edge-etag sends a body of its own: decoded, and perhaps re-serialised.
 */
export const BODY_BOUND_FIELDS = [
  'content-length',
  'content-encoding',
  'content-digest',
  'repr-digest',
  'content-md5',
  'accept-ranges',
] as const

const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function withoutFields(headers: Headers, names: readonly string[]): Headers {
  const kept = new Headers(headers)
  // Connection may name more hop-by-hop fields of its own (RFC 9110 section 7.6.1); anything else in it is
  // no field name, and is skipped.
  for (const name of (headers.get('Connection') ?? '').split(',')) {
    if (FIELD_NAME.test(name.trim())) kept.delete(name.trim())
  }
  for (const name of names) kept.delete(name)
  return kept
}

/**
 * forwardedHeaders returns the fields to send the origin for a request: the client's, less the hop-by-hop
 * ones, Host (the origin's is set by fetch), the client's conditions and the fields a client could use to
 * pose as someone or something else (isSpoofableField), plus edge-etag's own Forwarded and X-Forwarded-*.
 * Authorization and Cookie are passed on: the origin decides who may see what. A read (GET, HEAD, or
 * `asRead`: a GET made on a write's behalf, without the body's fields) asks for gzip or no coding at all,
 * the codings edge-etag can hash (see ./content-coding.ts).
 *
 * @example forwardedHeaders(request).has('If-None-Match') // false
 */
export function forwardedHeaders(request: Request, { asRead = false } = {}): Headers {
  const headers = withoutFields(request.headers, [
    ...HOP_BY_HOP_FIELDS,
    ...CLIENT_CONDITION_FIELDS,
    'host',
    ...(asRead ? BODY_FIELDS : []),
  ])
  for (const name of [...headers.keys()]) if (isSpoofableField(name)) headers.delete(name)
  if (asRead || request.method === 'GET' || request.method === 'HEAD') {
    headers.set('Accept-Encoding', originAcceptEncoding(request.headers.get('Accept-Encoding')))
  }
  const proto = new URL(request.url).protocol === 'http:' ? 'http' : 'https'
  forwardingFields(clientAddressOf(request.headers), proto).forEach((value, name) => {
    headers.set(name, value)
  })
  return headers
}

/**
 * SITE_WIDE_FIELDS act on this worker's whole origin, the demo page and the API beside it included, not on the
 * one answer: the origin behind a prefix never decides them (Clear-Site-Data could wipe the page's stored
 * token; Service-Worker-Allowed could widen a service worker's scope to every path).
 */
export const SITE_WIDE_FIELDS = ['clear-site-data', 'service-worker-allowed'] as const

/** PassOnOptions say how an origin answer's fields change on the way to the client. */
export interface PassOnOptions {
  /** Drop the body's framing, for a body edge-etag sends itself (decoded, perhaps re-serialised). */
  readonly ownBody?: boolean
  /**
   * Map a URL of the origin (in Location, Content-Location, Refresh or Link) to a reference to this worker's
   * URL for it; null drops it (it would disclose the origin's internal address).
   */
  readonly relocate?: Relocate
}

// LOCATED_FIELDS are the answer's fields that hold URLs of the origin, each with how its URLs are relocated:
// a Location or Content-Location is one URL; a Refresh (browsers follow it) and a Link (RFC 8288) hold theirs
// in a syntax of their own (./located-fields.ts).
const LOCATED_FIELDS: Readonly<Record<string, (value: string, relocate: Relocate) => string | null>> = {
  location: (value, relocate) => relocate(value),
  'content-location': (value, relocate) => relocate(value),
  refresh: relocatedRefresh,
  link: relocatedLink,
}

/**
 * passedOnHeaders returns the fields of an origin answer to pass on to the client: all but the hop-by-hop
 * ones, the origin's validators and SITE_WIDE_FIELDS, with the URLs in Location, Content-Location, Refresh and
 * Link relocated (a field, or a Link member, that would disclose is dropped).
 *
 * @example passedOnHeaders(originResponse.headers).has('ETag') // false
 */
export function passedOnHeaders(
  headers: Headers,
  { ownBody = false, relocate }: PassOnOptions = {},
): Headers {
  const passed = withoutFields(headers, [
    ...HOP_BY_HOP_FIELDS,
    ...ORIGIN_VALIDATOR_FIELDS,
    ...SITE_WIDE_FIELDS,
    ...(ownBody ? BODY_BOUND_FIELDS : []),
  ])
  if (relocate === undefined) return passed
  for (const [name, relocated] of Object.entries(LOCATED_FIELDS)) {
    const value = passed.get(name)
    if (value === null) continue
    const mapped = relocated(value, relocate)
    if (mapped === null) passed.delete(name)
    else passed.set(name, mapped)
  }
  return passed
}

/**
 * CREDENTIAL_FIELDS carry who is asking: Authorization and Cookie (RFC 9110 section 11.6.2, RFC 6265), and the
 * API key fields in wide use. An answer to a request with one may be that requester's alone, even when the
 * origin says nothing of it (no Vary, no `private`). CREDENTIAL_PATTERN catches the fields no list names; add
 * here a field your origin reads its callers' keys from that neither covers.
 */
export const CREDENTIAL_FIELDS = [
  'authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
] as const

/**
 * CREDENTIAL_PATTERN matches the names (lower-case) of fields that carry credentials by their words: auth,
 * token, api-key or apikey, secret, session, password, credential, signature, subscription-key, jwt (GitLab's
 * `PRIVATE-TOKEN`, AWS's `X-Amz-Security-Token`, Azure's `Ocp-Apim-Subscription-Key`, RFC 9421's `Signature`).
 * A field it takes for one by mistake (`X-Session-Id`) costs only the record: the answer is still validated.
 */
export const CREDENTIAL_PATTERN =
  /auth|token|api-?key|secret|session|passw(?:or)?d|credential|signature|subscription-?key|jwt/

/**
 * isCredentialField reports whether a request field carries credentials: one of CREDENTIAL_FIELDS, or a name
 * CREDENTIAL_PATTERN matches.
 *
 * @example isCredentialField('PRIVATE-TOKEN') // true
 * @example isCredentialField('Accept-Language') // false
 */
export function isCredentialField(name: string): boolean {
  const lower = name.toLowerCase()
  return (CREDENTIAL_FIELDS as readonly string[]).includes(lower) || CREDENTIAL_PATTERN.test(lower)
}

/**
 * isForOneUserRequest reports whether a request carries credentials (isCredentialField), whose answer may be
 * one user's: RFC 9111 section 3.5 keeps shared caches from reusing such answers, and edge-etag never answers
 * one from another requester's record, nor leaves one of its own.
 *
 * @example isForOneUserRequest(new Headers({ Cookie: 'session=1' })) // true
 */
export function isForOneUserRequest(headers: Headers): boolean {
  for (const name of headers.keys()) if (isCredentialField(name)) return true
  return false
}
