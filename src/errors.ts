/**
 * The one place errors become responses: everything is application/problem+json (RFC 9457).
 */

import type { ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { StorageUnavailableError } from './documents/document.ts'
import { HttpError, problemResponse } from './http/problem.ts'

/** STORAGE_RETRY_AFTER_SECONDS is the Retry-After of a 503 caused by KV or a writer object failing. */
export const STORAGE_RETRY_AFTER_SECONDS = 5

/**
 * renderError is the app's onError: known errors keep their status, detail and extension members; a storage
 * failure, wherever it happened, is one 503 with Retry-After; anything unexpected is logged and answered 500
 * without revealing anything internal.
 */
export const renderError: ErrorHandler = (error, c) => {
  if (error instanceof HttpError) {
    return problemResponse(error.status, error.message, { ...error.headers }, error.extensions)
  }
  if (error instanceof StorageUnavailableError) {
    console.error(`${c.req.method} ${c.req.path}: ${error.message}`, error.cause)
    return problemResponse(503, 'Storage is unavailable; nothing was changed, retry shortly', {
      'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS),
    })
  }
  if (error instanceof HTTPException && error.status < 500)
    return problemResponse(error.status, error.message)
  console.error(`${c.req.method} ${c.req.path}: unexpected error`, error)
  return problemResponse(500, 'The server failed to answer this request')
}
