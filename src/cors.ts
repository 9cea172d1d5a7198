/**
 * Cross-origin access for browsers, with Hono's cors(): only for the origins configured in
 * CORS_ALLOWED_ORIGINS (none by default, so the API is same-origin unless a deployment says otherwise).
 */

import { cors } from 'hono/cors'
import { createMiddleware } from 'hono/factory'
import { readConfig } from './config.ts'
import type { AppEnv } from './env.ts'

/**
 * CORS_EXPOSED_HEADERS are the response fields a page's script may read: the validators it needs to send
 * If-None-Match and If-Match, where a PUT created a document, the next page, the patch formats, what the
 * server spent, the request's id for a bug report, and the server's Date (a client ages answers by it).
 */
export const CORS_EXPOSED_HEADERS = [
  'ETag',
  'Last-Modified',
  'Location',
  'Content-Location',
  'Link',
  'Accept-Patch',
  'Server-Timing',
  'X-Request-Id',
  'Retry-After',
  'Date',
]

/** CORS_ALLOWED_HEADERS are the request fields a page may send: preconditions, the token, the media type. */
export const CORS_ALLOWED_HEADERS = [
  'If-None-Match',
  'If-Match',
  'If-Modified-Since',
  'If-Unmodified-Since',
  'Authorization',
  'Content-Type',
  'X-Request-Id',
]

const allowConfiguredOrigins = cors({
  origin: (origin, c) => {
    const allowed = readConfig(c.env).corsAllowedOrigins
    return allowed.includes('*') ? '*' : allowed.includes(origin) ? origin : null
  },
  allowMethods: ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders: CORS_ALLOWED_HEADERS,
  exposeHeaders: CORS_EXPOSED_HEADERS,
  maxAge: 600,
})

/**
 * corsForConfiguredOrigins answers preflights and adds the Access-Control fields, with `Vary: Origin` on
 * every response (200 and 304 alike) so that caches keep one copy per origin. An OPTIONS request without
 * Access-Control-Request-Method is not a preflight: it reaches the routes, which answer it with Allow.
 *
 * @example app.use(corsForConfiguredOrigins)
 */
export const corsForConfiguredOrigins = createMiddleware<AppEnv>(async (c, next) => {
  if (readConfig(c.env).corsAllowedOrigins.length === 0) return next()
  if (c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method') === undefined) return next()
  return allowConfiguredOrigins(c, next)
})
