/**
 * Hono middleware that guards writes with a bearer token. Reads stay public.
 */

import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './env.ts'
import { isToken68, readBearerToken, tokensEqual } from './http/bearer-token.ts'
import { HttpError } from './http/problem.ts'

/**
 * requireBearerToken lets a request through only with `Authorization: Bearer <API_TOKEN>`. Without a
 * configured token it refuses every request: a template deployed without its secret must not be open. A
 * configured token that is not token68 could never be presented, so that is a 503 and an error in the log.
 *
 * @example items.put('/:id', requireBearerToken, putItemHandler)
 */
export const requireBearerToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.API_TOKEN
  // RFC 9110 section 11.6.1: a 401 names the scheme that would be accepted.
  const challenge = { 'WWW-Authenticate': 'Bearer realm="edge-etag"' }
  if (!expected) {
    throw new HttpError(401, 'Writes are disabled: the server has no API_TOKEN configured', challenge)
  }
  // A token no client could send is the operator's mistake, not the client's: say so in the log, and 503.
  if (!isToken68(expected)) {
    console.error(
      'API_TOKEN is not a valid bearer token (A-Z a-z 0-9 - . _ ~ + / then optional =); writes are refused',
    )
    throw new HttpError(503, 'Writes are unavailable: the server is misconfigured')
  }
  const presented = readBearerToken(c.req.header('Authorization') ?? null)
  if (presented === null) {
    throw new HttpError(401, 'Writes need an Authorization: Bearer <token> header', challenge)
  }
  if (!(await tokensEqual(presented, expected))) {
    throw new HttpError(401, 'The bearer token is not valid', {
      'WWW-Authenticate': 'Bearer realm="edge-etag", error="invalid_token"',
    })
  }
  await next()
})
