/**
 * The request edge-etag sends the origin, and the fields of the origin's answer it passes on.
 *
 * Pure: standard Headers only.
 */

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
 * ones, Host (the origin's is set by fetch), and the client's conditions. `asRead` also drops the body's
 * fields, for a GET made on a write's behalf.
 *
 * @example forwardedHeaders(request.headers).has('If-None-Match') // false
 */
export function forwardedHeaders(headers: Headers, { asRead = false } = {}): Headers {
  return withoutFields(headers, [
    ...HOP_BY_HOP_FIELDS,
    ...CLIENT_CONDITION_FIELDS,
    'host',
    ...(asRead ? BODY_FIELDS : []),
  ])
}

/** PassOnOptions say how an origin answer's fields change on the way to the client. */
export interface PassOnOptions {
  /** Drop the body's framing, for a body edge-etag sends itself (decoded, perhaps re-serialised). */
  readonly ownBody?: boolean
  /** Map a Location or Content-Location of the origin to this worker's URL for it. */
  readonly relocate?: (location: string) => string
}

/**
 * passedOnHeaders returns the fields of an origin answer to pass on to the client: all but the hop-by-hop
 * ones and the origin's validators, with its Location and Content-Location relocated.
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
    ...(ownBody ? BODY_BOUND_FIELDS : []),
  ])
  for (const name of ['Location', 'Content-Location']) {
    const value = passed.get(name)
    if (value !== null && relocate !== undefined) passed.set(name, relocate(value))
  }
  return passed
}

/**
 * isForOneUserRequest reports whether a request carries credentials (Authorization, Cookie), whose answer may
 * be one user's: RFC 9111 section 3.5 keeps shared caches from reusing such answers, and so does edge-etag.
 *
 * @example isForOneUserRequest(new Headers({ Cookie: 'session=1' })) // true
 */
export function isForOneUserRequest(headers: Headers): boolean {
  return headers.has('Authorization') || headers.has('Cookie')
}
