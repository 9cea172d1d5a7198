/**
 * Hono glue for conditional GET and HEAD: turn a representation and its validators into a 200, a 304 or a
 * 412, with the pure logic of src/http doing the deciding.
 */

import type { Context } from 'hono'
import { canonicalJson } from './http/canonical-json.ts'
import { contentETag } from './http/content-etag.ts'
import { notModified } from './http/not-modified.ts'
import { evaluatePreconditions, readConditionalHeaders, type Validators } from './http/preconditions.ts'
import { HttpError } from './http/problem.ts'

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
  /** The bytes; a stream is cancelled unread when the answer has no body. */
  readonly body: Uint8Array | ReadableStream<Uint8Array>
  /** Cache-Control of the 200 and the 304; REVALIDATE by default. */
  readonly cacheControl?: string
}

/**
 * representationHeaders returns the fields a 200 carries for a JSON representation with these validators;
 * a 304 keeps a subset of them.
 *
 * @example representationHeaders({ etag: '"a"' }).get('ETag') // '"a"'
 */
export function representationHeaders(validators: Validators, cacheControl = REVALIDATE): Headers {
  const headers = new Headers({
    'Content-Type': 'application/json',
    ETag: validators.etag,
    'Cache-Control': cacheControl,
  })
  if (validators.lastModified !== undefined) headers.set('Last-Modified', validators.lastModified)
  return headers
}

/**
 * respondWithRepresentation answers a GET or HEAD: 304 when the request's validators show the client holds
 * these bytes, 412 when an If-Match or If-Unmodified-Since fails, else 200 (with no body for HEAD).
 *
 * @example return respondWithRepresentation(c.req.raw, { validators: item.validators, body: item.body })
 */
export async function respondWithRepresentation(
  request: Request,
  representation: Representation,
): Promise<Response> {
  const { body, validators, cacheControl } = representation
  const headers = representationHeaders(validators, cacheControl)
  const outcome = evaluatePreconditions(request.method, readConditionalHeaders(request.headers), validators)
  const withBody = outcome.action === 'proceed' && request.method !== 'HEAD'
  if (!withBody && body instanceof ReadableStream) await body.cancel()

  switch (outcome.action) {
    case 'not-modified':
      return notModified(headers)
    case 'precondition-failed':
      throw new HttpError(412, `${outcome.field} does not match the current representation`)
    case 'proceed':
      if (body instanceof Uint8Array) headers.set('Content-Length', String(body.byteLength))
      return new Response(withBody ? body : null, { status: 200, headers })
  }
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
  const bytes = new TextEncoder().encode(canonicalJson(value))
  const validators = { etag: await contentETag(bytes), lastModified: options.lastModified }
  return respondWithRepresentation(c.req.raw, {
    validators,
    body: bytes,
    ...(options.cacheControl ? { cacheControl: options.cacheControl } : {}),
  })
}
