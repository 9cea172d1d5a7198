/**
 * The glue between Hono routes and the pure HTTP core, in the manner of Go's ServeContent and Django's
 * condition(): a read declares its validators up front and how to load its body, and this module answers
 * 200, 304 or 412, loading the body only when it is sent; a write's refusal becomes its status here too.
 */

import type { Context } from 'hono'
import type { WriteRefusal } from './documents/document-writes.ts'
import { canonicalJson } from './http/canonical-json.ts'
import { contentETag } from './http/content-etag.ts'
import { notModified } from './http/not-modified.ts'
import { evaluatePreconditions, readConditionalHeaders, type Validators } from './http/preconditions.ts'
import { HttpError } from './http/problem.ts'
import { traceOf } from './observability/request-trace.ts'

/**
 * REVALIDATE lets any cache store a response but makes it ask before every reuse: with strong ETags, each
 * such question costs a bodiless 304. `no-cache` says it (RFC 9111 section 5.2.2.4); `max-age=0` gives the
 * explicit zero lifetime that some caches (undici's) need in order to store a response at all, instead of
 * guessing a heuristic lifetime from Last-Modified.
 */
export const REVALIDATE = 'no-cache, max-age=0'

/** Representation is a JSON body with the validators of exactly those bytes. */
export interface Representation {
  readonly validators: Validators
  /** The bytes, or their text (a page assembled as one string); a stream is cancelled unread when unsent. */
  readonly body: Uint8Array | string | ReadableStream<Uint8Array>
}

/** ConditionalRead is a GET or HEAD target whose validators are known before its content is read. */
export interface ConditionalRead {
  /** The current validators, against which the request's preconditions are evaluated. */
  readonly validators: Validators
  /** Loads the representation; called only when a 200 with a body is the answer. */
  readonly load: () => Promise<Representation>
  /** Releases what was opened for the body (an unread KV stream) when no body is sent. */
  readonly discard?: () => Promise<void>
  /** Fields the 200 carries besides the representation's own (a Link to the next page, say). */
  readonly headers?: Readonly<Record<string, string>>
  /** Cache-Control of the 200 and the 304; REVALIDATE by default, none when null (an origin that sent none). */
  readonly cacheControl?: string | null
}

/**
 * representationHeaders returns the fields a 200 carries for a JSON representation with these validators;
 * a 304 keeps a subset of them.
 *
 * @example representationHeaders({ etag: '"a"' }).get('ETag') // '"a"'
 */
export function representationHeaders(
  validators: Validators,
  cacheControl: string | null = REVALIDATE,
): Headers {
  return new Headers(representationFields(validators, cacheControl))
}

// The fields as a plain record: a response built from one record crosses into the runtime once, where a
// Headers object built field by field crosses once per field.
function representationFields(validators: Validators, cacheControl: string | null): Record<string, string> {
  const fields: Record<string, string> = { 'Content-Type': 'application/json', ETag: validators.etag }
  if (cacheControl !== null) fields['Cache-Control'] = cacheControl
  if (validators.lastModified !== undefined) fields['Last-Modified'] = validators.lastModified
  return fields
}

/**
 * answerConditionalRead answers a GET or HEAD: 304 when the request's validators show the client holds the
 * current representation, 412 when an If-Match or If-Unmodified-Since fails, else 200, with the body loaded
 * only for a GET that gets it. Preconditions are evaluated once, here, before any content is read.
 *
 * @example
 * return answerConditionalRead(c.req.raw, { validators, load: async () => ({ validators, body: bytes }) })
 */
export async function answerConditionalRead(request: Request, read: ConditionalRead): Promise<Response> {
  const outcome = evaluatePreconditions(
    request.method,
    readConditionalHeaders(request.headers),
    read.validators,
  )
  if (outcome.action !== 'proceed' || request.method === 'HEAD') await read.discard?.()
  switch (outcome.action) {
    case 'not-modified':
      // The fields the 200 would carry, of which notModified keeps those a 304 must (Vary, Expires, ...).
      return notModified(withFields(read.validators, read))
    case 'precondition-failed':
      // The current validators let the client see what it should have asked for.
      throw new HttpError(
        412,
        `${outcome.field} does not match the current representation`,
        validatorFields(read.validators),
      )
    case 'proceed':
      break
  }
  if (request.method === 'HEAD') {
    return new Response(null, { status: 200, headers: withFields(read.validators, read) })
  }
  const { validators, body } = await read.load()
  const headers = withFields(validators, read)
  if (body instanceof Uint8Array) headers['Content-Length'] = String(body.byteLength)
  return new Response(body, { status: 200, headers })
}

function withFields(validators: Validators, read: ConditionalRead): Record<string, string> {
  const headers = representationFields(
    validators,
    read.cacheControl === undefined ? REVALIDATE : read.cacheControl,
  )
  if (read.headers !== undefined) Object.assign(headers, read.headers)
  return headers
}

/**
 * respondWithRepresentation answers a GET or HEAD for bytes already at hand with their validators (stored
 * canonical bytes, say): 200, 304 or 412, cancelling an unread stream when no body is sent. `headers` are
 * fields a 200 carries besides the representation's own.
 *
 * @example return respondWithRepresentation(c.req.raw, { validators: stored.validators, body: stored.body })
 */
export function respondWithRepresentation(
  request: Request,
  representation: Representation,
  headers?: Readonly<Record<string, string>>,
): Promise<Response> {
  const { validators, body } = representation
  return answerConditionalRead(request, {
    validators,
    load: async () => representation,
    discard: async () => {
      if (body instanceof ReadableStream) await body.cancel()
    },
    ...(headers === undefined ? {} : { headers }),
  })
}

/**
 * conditionalJson answers a GET or HEAD with a JSON value made conditional: it serialises the value
 * canonically (RFC 8785), tags the bytes with their SHA-256, and answers 200, 304 or 412.
 *
 * @example
 * app.get('/api/status', (c) => conditionalJson(c, { ok: true, version: 3 }))
 */
export async function conditionalJson(
  c: Context,
  value: unknown,
  options: { lastModified?: string; cacheControl?: string } = {},
): Promise<Response> {
  const trace = traceOf(c)
  const body = new TextEncoder().encode(canonicalJson(value))
  const validators = {
    etag: await trace.measure('hash', () => contentETag(body)),
    lastModified: options.lastModified,
  }
  trace.noteRepresentation(body.byteLength)
  return answerConditionalRead(c.req.raw, {
    validators,
    load: async () => ({ validators, body }),
    ...(options.cacheControl ? { cacheControl: options.cacheControl } : {}),
  })
}

/** BUSY_RETRY_AFTER_SECONDS is the Retry-After of a write refused because its document's queue is full. */
export const BUSY_RETRY_AFTER_SECONDS = 2

// validatorFields returns the ETag and Last-Modified fields of some validators, for a 412 to carry.
/**
 * validatorFields returns the ETag and Last-Modified fields of validators, as a 412 carries them so that the
 * client sees what it should have asked for.
 *
 * @example validatorFields({ etag: '"a"' }) // { ETag: '"a"' }
 */
export function validatorFields(validators: Validators): Record<string, string> {
  const fields: Record<string, string> = { ETag: validators.etag }
  if (validators.lastModified !== undefined) fields['Last-Modified'] = validators.lastModified
  return fields
}

/**
 * refusalError returns the error that answers a write's refusal: 412 for a failed precondition (with the
 * current ETag and Last-Modified), 428 for a missing one, 404 for a missing document, 503 for a document with
 * too many writes waiting, and the content's own status (400, 413, 422, with `errors` for a schema's refusal)
 * when the content cannot be stored.
 *
 * @example throw refusalError(outcome, 'PATCH', 'tasks/a1')
 */
export function refusalError(refusal: WriteRefusal, method: string, document: string): HttpError {
  switch (refusal.result) {
    case 'precondition-required':
      return new HttpError(428, `${method} of an existing document needs If-Match (with its current ETag)`)
    case 'precondition-failed': {
      const reason = refusal.malformed ? 'is malformed' : `does not hold for ${document}`
      const headers = refusal.current ? validatorFields(refusal.current) : {}
      return new HttpError(412, `${refusal.field} ${reason}; nothing was changed`, headers)
    }
    case 'not-found':
      return new HttpError(404, `There is no document ${document}`)
    case 'busy':
      return new HttpError(503, `Too many writes to ${document} are waiting; nothing was changed`, {
        'Retry-After': String(BUSY_RETRY_AFTER_SECONDS),
      })
    case 'unacceptable': {
      const { status, detail, errors, omittedErrors } = refusal.problem
      const extensions = {
        ...(errors === undefined ? {} : { errors }),
        ...(omittedErrors === undefined ? {} : { omittedErrors }),
      }
      return new HttpError(status, `${detail}; nothing was changed`, {}, extensions)
    }
  }
}
