/**
 * Problem details for HTTP APIs, RFC 9457: every error this API sends is `application/problem+json`.
 *
 * Pure: builds standard Responses.
 */

/** STATUS_TITLES are the reason phrases used as problem titles, as RFC 9457 section 4.2.1 advises. */
export const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/**
 * ProblemExtensions are members a problem adds to the standard ones (RFC 9457 section 3.2), such as
 * `errors`, the list of what is wrong with a document.
 */
export type ProblemExtensions = Readonly<Record<string, unknown>>

/**
 * HttpError is an error that maps to one response: a status, a human-readable detail, any headers the
 * status calls for (Allow on 405, Retry-After on 503, WWW-Authenticate on 401), and any extension members.
 *
 * @example throw new HttpError(405, 'PATCH is not supported here', { Allow: 'GET, HEAD' })
 */
export class HttpError extends Error {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly extensions: ProblemExtensions
  constructor(
    status: number,
    detail: string,
    headers: Record<string, string> = {},
    extensions: ProblemExtensions = {},
  ) {
    super(detail)
    this.name = 'HttpError'
    this.status = status
    this.headers = headers
    this.extensions = extensions
  }
}

/**
 * problemResponse renders an RFC 9457 problem: `type` is about:blank, so `title` is the status phrase and
 * `detail` says what went wrong with this request; `extensions` adds members such as `errors`. Errors are
 * not cacheable.
 *
 * @example problemResponse(404, 'No item has the id "x"') // 404, {"type":"about:blank","title":"Not Found",...}
 */
export function problemResponse(
  status: number,
  detail: string,
  headers: Record<string, string> = {},
  extensions: ProblemExtensions = {},
): Response {
  const standard = { type: 'about:blank', title: STATUS_TITLES[status] ?? 'Error', status, detail }
  // Spread in this order, an extension can add members but never overwrite a standard one.
  const body = new TextEncoder().encode(JSON.stringify({ ...standard, ...extensions, ...standard }))
  return new Response(body, {
    status,
    headers: {
      ...headers,
      'Content-Type': 'application/problem+json',
      'Content-Length': String(body.byteLength),
      'Cache-Control': 'no-store',
    },
  })
}
