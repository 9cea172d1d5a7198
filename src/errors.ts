/**
 * The one place errors become responses: everything is application/problem+json (RFC 9457), with the
 * request's id, so that a client's bug report finds the request's log line.
 */

import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { StorageUnavailableError } from './documents/document.ts'
import { HttpError, type ProblemExtensions, problemResponse } from './http/problem.ts'

/** STORAGE_RETRY_AFTER_SECONDS is the Retry-After of a 503 caused by KV or a writer object failing. */
export const STORAGE_RETRY_AFTER_SECONDS = 5

/**
 * renderError is the app's onError: known errors keep their status, detail and extension members; a storage
 * failure, wherever it happened, is one 503 with Retry-After; anything unexpected is logged and answered 500
 * without revealing anything internal.
 */
export const renderError: ErrorHandler = (error, c) => {
  const identified = requestIdOf(c)
  if (error instanceof HttpError) {
    const extensions = { ...error.extensions, ...identified }
    return problemResponse(error.status, error.message, { ...error.headers }, extensions)
  }
  if (error instanceof StorageUnavailableError) {
    console.error(`${c.req.method} ${c.req.path}: ${error.message}`, error.cause)
    const retry = { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) }
    return problemResponse(
      503,
      'Storage is unavailable; nothing was changed, retry shortly',
      retry,
      identified,
    )
  }
  if (error instanceof HTTPException && error.status < 500)
    return problemResponse(error.status, error.message, {}, identified)
  console.error(`${c.req.method} ${c.req.path}: unexpected error`, error)
  return problemResponse(500, 'The server failed to answer this request', {}, identified)
}

/**
 * requestIdOf returns the problem member that names the request (`requestId`, as X-Request-Id does), or no
 * member when the app runs without the request id middleware.
 *
 * @example problemResponse(404, 'Nothing here', {}, requestIdOf(c)) // {..., "requestId": "f3c1..."}
 */
export function requestIdOf(c: Context): ProblemExtensions {
  const id: unknown = c.get('requestId')
  return typeof id === 'string' ? { requestId: id } : {}
}
