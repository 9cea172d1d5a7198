/**
 * Hono middleware that refuses a request whose Host field is not a valid `host[:port]`, or whose request
 * target is not a path.
 */

import { createMiddleware } from 'hono/factory'
import { isPathTarget, isValidHost } from './http/host.ts'
import { HttpError } from './http/problem.ts'

/**
 * requireValidHost answers 400 to a request whose Host field is present and invalid (RFC 9110 section 7.2),
 * before any routing: workerd builds `request.url` from Host without checking it, so `Host: x/api/items/a?`
 * would otherwise change the path that is routed. A request without Host (HTTP/2 and 3 carry :authority,
 * which the runtime has already checked) passes.
 *
 * @example app.use(requireValidHost)
 */
export const requireValidHost = createMiddleware(async (c, next) => {
  const host = c.req.header('Host')
  if (host !== undefined && !isValidHost(host)) {
    throw new HttpError(400, 'The Host header is not a valid host[:port]')
  }
  // `OPTIONS * HTTP/1.1` (RFC 9112 section 3.2.4) reaches the worker as the URL `http://host*`.
  if (!isPathTarget(c.req.url)) {
    throw new HttpError(400, 'The request target must be a path; "*" and other forms are not served here')
  }
  await next()
})
