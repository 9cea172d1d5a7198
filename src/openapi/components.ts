/**
 * The parts of the API description that every resource shares: the conditional request fields, the
 * validators and links of responses, the problem bodies, and bearer authentication.
 */

import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../documents/collection-page.ts'
import { MAX_REPORTED_ERRORS } from '../documents/document-content.ts'
import { DOCUMENT_ID_PATTERN } from '../documents/names.ts'
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../http/idempotency-key.ts'
import type { JsonSchema } from './json-schemas.ts'

const header = (description: string, schema: JsonSchema = { type: 'string' }) => ({ description, schema })
const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` })

/** headerRef points at one of COMPONENTS.headers. */
export const headerRef = (name: keyof typeof COMPONENTS.headers) => ref('headers', name)
/** parameterRef points at one of COMPONENTS.parameters. */
export const parameterRef = (name: keyof typeof COMPONENTS.parameters) => ref('parameters', name)
/** responseRef points at one of COMPONENTS.responses. */
export const responseRef = (name: keyof typeof COMPONENTS.responses) => ref('responses', name)

/**
 * IDEMPOTENCY_KEY_PATTERN is what src/http/idempotency-key.ts accepts, as a pattern: a bare token of visible
 * ASCII other than `,`, `;`, `"` and `\`, or an sf-string (RFC 8941 section 3.3.3) of printable ASCII with `\`
 * only before `"` or `\`; 1 to MAX_IDEMPOTENCY_KEY_LENGTH characters either way, counted unescaped.
 *
 * @example new RegExp(IDEMPOTENCY_KEY_PATTERN).test('"order-17"') // true
 */
export const IDEMPOTENCY_KEY_PATTERN =
  String.raw`^(?:[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}` +
  String.raw`|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]){1,${MAX_IDEMPOTENCY_KEY_LENGTH}}")$`

/** OBSERVED_HEADERS are the fields every answer carries for tracing it: its request id and Server-Timing. */
export const OBSERVED_HEADERS = {
  'X-Request-Id': headerRef('X-Request-Id'),
  'Server-Timing': headerRef('Server-Timing'),
}

const PROBLEM_TYPE = 'application/problem+json'
const problem = (description: string, schema = 'Problem', headers: Record<string, unknown> = {}) => ({
  description,
  headers: { 'X-Request-Id': ref('headers', 'X-Request-Id'), ...headers },
  content: { [PROBLEM_TYPE]: { schema: ref('schemas', schema) } },
})

/**
 * COMPONENTS are the shared components of the OpenAPI document (its `components` member, less each
 * resource's own schemas).
 */
export const COMPONENTS = {
  parameters: {
    id: {
      name: 'id',
      in: 'path',
      required: true,
      description: 'The document id: 1 to 128 characters from A-Z, a-z, 0-9 and "._~-".',
      schema: { type: 'string', pattern: DOCUMENT_ID_PATTERN },
    },
    limit: {
      name: 'limit',
      in: 'query',
      description: 'How many documents a page holds at most.',
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT },
    },
    cursor: {
      name: 'cursor',
      in: 'query',
      description: "Where the page starts: copied from the previous page's `next`; opaque.",
      schema: { type: 'string' },
    },
    'If-None-Match': {
      name: 'If-None-Match',
      in: 'header',
      description:
        'RFC 9110 section 13.1.2. On GET and HEAD: the tags the client holds; a match is answered 304 with no body. On PUT, `*` creates only (412 when the document exists).',
      schema: { type: 'string' },
    },
    'If-Match': {
      name: 'If-Match',
      in: 'header',
      description:
        'RFC 9110 section 13.1.1: the tag the client based its change on; anything else is answered 412 and changes nothing. `*`: the document must exist.',
      schema: { type: 'string' },
    },
    'If-Modified-Since': {
      name: 'If-Modified-Since',
      in: 'header',
      description: 'RFC 9110 section 13.1.3: an HTTP-date; ignored when If-None-Match is present.',
      schema: { type: 'string' },
    },
    'If-Unmodified-Since': {
      name: 'If-Unmodified-Since',
      in: 'header',
      description: 'RFC 9110 section 13.1.4: an HTTP-date; ignored when If-Match is present.',
      schema: { type: 'string' },
    },
    'Idempotency-Key': {
      name: 'Idempotency-Key',
      in: 'header',
      description: `draft-ietf-httpapi-idempotency-key-header: a key the client picks for this create, 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters of visible ASCII (spaces too, within quotes), as an sf-string (\`"order-17"\`) or a bare token (\`order-17\`), which are the same key. A retry with the same key and the same body answers what the first request answered (201 with \`Idempotent-Replayed: true\`) and creates nothing more; the same key with another body is a 422; a retry while the first request is still in flight is a 409; a malformed key is a 400.`,
      schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN },
    },
  },
  headers: {
    ETag: header('The strong entity tag: the SHA-256 of the canonical JSON (RFC 8785) bytes, base64url.'),
    'Last-Modified': header('When the document last changed (one-second resolution, always moving forward).'),
    'Cache-Control': header(
      '`no-cache, max-age=0`: any cache may store it, and revalidates before each reuse.',
    ),
    Link: header('`<next page URL>; rel="next"` while more documents remain (RFC 8288).'),
    'Accept-Patch': header('`application/merge-patch+json` (RFC 5789 section 3.1).'),
    Location: header('The created document (on 201).'),
    'Content-Location': header('The document the body represents: the body is what a GET now serves.'),
    'Retry-After': header('Seconds to wait before retrying.', { type: 'integer' }),
    'X-Request-Id': header("This request's id, also in its log line and in a problem's `requestId`."),
    'Server-Timing': header(
      'Milliseconds spent in KV reads (`kv`), hashing (`hash`), the writer (`writer`) and in all (`total`).',
    ),
    Allow: header('The methods the path serves.'),
    'WWW-Authenticate': header('`Bearer realm="edge-etag"` (RFC 6750).'),
    Accept: header('The media type the request body must have.'),
    'Idempotent-Replayed': header(
      '`true` when this answer is the one stored for an earlier request with the same Idempotency-Key and body: nothing was created again.',
      { type: 'string', enum: ['true'] },
    ),
  },
  responses: {
    NotModified: {
      description: "The client's copy is current: no body (RFC 9110 section 15.4.5).",
      headers: {
        ETag: ref('headers', 'ETag'),
        'Last-Modified': ref('headers', 'Last-Modified'),
        'Cache-Control': ref('headers', 'Cache-Control'),
        'X-Request-Id': ref('headers', 'X-Request-Id'),
        'Server-Timing': ref('headers', 'Server-Timing'),
      },
    },
    BadRequest: problem(
      'The id, a query parameter, the Idempotency-Key, the JSON or the request itself is malformed.',
    ),
    Unauthorized: problem('A write without a valid bearer token.', 'Problem', {
      'WWW-Authenticate': ref('headers', 'WWW-Authenticate'),
    }),
    NotFound: problem('There is no such document.'),
    UnknownResource: problem('No resource is declared under that name.'),
    PreconditionFailed: problem(
      'A precondition (If-Match, If-None-Match, If-Unmodified-Since) does not hold: nothing was changed. Carries the current validators.',
      'Problem',
      { ETag: ref('headers', 'ETag'), 'Last-Modified': ref('headers', 'Last-Modified') },
    ),
    ContentTooLarge: problem('The body is larger than MAX_BODY_BYTES.'),
    UnsupportedMediaType: problem('The body has another media type or a content coding.', 'Problem', {
      Accept: ref('headers', 'Accept'),
    }),
    UnprocessableContent: problem(
      "The JSON is not an object, cannot be canonical, or fails the resource's schema; `errors` points at each problem.",
      'ValidationProblem',
    ),
    UnprocessableCreate: problem(
      "The JSON is not an object, cannot be canonical, or fails the resource's schema (`errors` points at each problem); or the Idempotency-Key was sent before with another body.",
      'ValidationProblem',
    ),
    IdempotencyKeyInFlight: problem(
      'A request with this Idempotency-Key is still being answered: retry once it is, to get its answer.',
    ),
    PreconditionRequired: problem('REQUIRE_IF_MATCH is on and the write has no If-Match.'),
    ServiceUnavailable: problem(
      'Storage failed or too many writes to the document are waiting: nothing was changed.',
      'Problem',
      {
        'Retry-After': ref('headers', 'Retry-After'),
      },
    ),
    NoContent: {
      description: 'The methods the path serves, in Allow.',
      headers: { Allow: ref('headers', 'Allow') },
    },
  },
  schemas: {
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details.',
      properties: {
        type: { type: 'string', const: 'about:blank' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        requestId: { type: 'string' },
      },
      required: ['type', 'title', 'status', 'detail'],
    },
    ValidationProblem: {
      allOf: [
        ref('schemas', 'Problem'),
        {
          type: 'object',
          properties: {
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  pointer: { type: 'string', description: 'RFC 6901 JSON Pointer into the document.' },
                  detail: { type: 'string' },
                },
                required: ['pointer', 'detail'],
              },
              maxItems: MAX_REPORTED_ERRORS,
            },
            omittedErrors: {
              type: 'integer',
              minimum: 1,
              description: `How many more problems the document has than the ${MAX_REPORTED_ERRORS} in errors.`,
            },
          },
        },
      ],
    },
  },
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', description: 'The API_TOKEN secret; every write needs it.' },
  },
} as const
