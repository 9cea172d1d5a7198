/**
 * The one place errors become responses: everything is application/problem+json (RFC 9457).
 */

import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { HttpError, problemResponse } from './http/problem.ts'
import { StoreUnavailableError } from './store/item-store.ts'

/** STORE_RETRY_AFTER_SECONDS is the Retry-After of a 503 caused by KV failing. */
export const STORE_RETRY_AFTER_SECONDS = 5

/**
 * renderError is the app's onError: known errors keep their status and detail; KV failures are 503 with
 * Retry-After; anything unexpected is logged and answered 500 without revealing anything internal.
 */
export const renderError: ErrorHandler = (error, c) => {
  if (error instanceof HttpError) return problemResponse(error.status, error.message, { ...error.headers })
  if (error instanceof StoreUnavailableError) {
    console.error(`${c.req.method} ${c.req.path}: ${error.message}`, error.cause)
    return problemResponse(503, 'The item store is unavailable; retry shortly', {
      'Retry-After': String(STORE_RETRY_AFTER_SECONDS),
    })
  }
  if (error instanceof HTTPException && error.status < 500)
    return problemResponse(error.status, error.message)
  console.error(`${c.req.method} ${c.req.path}: unexpected error`, error)
  return problemResponse(500, 'The server failed to answer this request')
}

/** renderNotFound is the app's notFound: no route has this path. */
export const renderNotFound: NotFoundHandler = (c) => {
  // Echo a path only as far as a reader needs it; a 20 KB path is not worth sending back.
  const path = c.req.path.length > 200 ? `${c.req.path.slice(0, 200)}...` : c.req.path
  return problemResponse(404, `Nothing is served at ${path}`)
}

/**
 * methodNotAllowed returns a handler answering 405 with the Allow field (RFC 9110 section 15.5.6), for
 * the methods a path does not support.
 *
 * @example items.all('/', methodNotAllowed(['GET', 'HEAD', 'OPTIONS']))
 */
export function methodNotAllowed(allowed: readonly string[]) {
  const allow = allowed.join(', ')
  return (c: Context) =>
    problemResponse(405, `${c.req.method} is not supported here; use ${allow}`, { Allow: allow })
}

/**
 * allowedMethods returns a handler answering OPTIONS with 204 and the Allow field (RFC 9110 section 9.3.7).
 */
export function allowedMethods(allowed: readonly string[]) {
  const allow = allowed.join(', ')
  return () => new Response(null, { status: 204, headers: { Allow: allow } })
}
