/**
 * Hono middleware that makes every request observable: a request id (`X-Request-Id`, and `requestId` in
 * every problem), a Server-Timing field, and one JSON log line, which Workers Logs turns into fields.
 */

import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env.ts'
import { outcomeOf, type RequestOutcome } from './request-outcome.ts'
import { type RequestTrace, traceOf } from './request-trace.ts'

/**
 * RequestLogLine is what is logged of each request. Never a header value, a query or a body: a token or a
 * document has no place in logs.
 */
export interface RequestLogLine {
  readonly message: 'request'
  readonly requestId: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly outcome: RequestOutcome
  /** The body bytes sent; null when the body is a stream of unknown length. */
  readonly bytesSent: number | null
  /** The body bytes a 304 to a GET spared the client (null when unknown, as for a file); 0 otherwise. */
  readonly bytesSaved: number | null
  /** The time to the response's head, in milliseconds, and the part of it spent in each step. */
  readonly durationMs: number
  readonly kvMs: number
  readonly hashMs: number
  readonly writerMs: number
  readonly originMs: number
}

/** NO_BODY_STATUSES are the statuses whose responses never carry a body. */
const NO_BODY_STATUSES = new Set([204, 304])

/**
 * requestLogLine returns the log line of a request from its answer and its trace.
 *
 * @example requestLogLine('GET', '/api/items/apple', 'id', response, trace).outcome // 'hit'
 */
export function requestLogLine(
  method: string,
  path: string,
  id: string,
  response: Response,
  trace: RequestTrace,
): RequestLogLine {
  const representation = trace.representationBytes
  const sendsBody = method !== 'HEAD' && !NO_BODY_STATUSES.has(response.status)
  const declared = response.headers.get('Content-Length')
  const spent = trace.spentMs()
  const rounded = (ms: number) => Math.round(ms * 10) / 10
  return {
    message: 'request',
    requestId: id,
    method,
    // A 20 KB path is an attack, not a fact worth keeping whole.
    path: path.length > 200 ? `${path.slice(0, 200)}...` : path,
    status: response.status,
    outcome: outcomeOf(method, response.status),
    bytesSent: !sendsBody ? 0 : declared !== null ? Number(declared) : representation,
    bytesSaved: response.status === 304 && method === 'GET' ? representation : 0,
    durationMs: rounded(trace.elapsedMs()),
    kvMs: rounded(spent.kv),
    hashMs: rounded(spent.hash),
    writerMs: rounded(spent.writer),
    originMs: rounded(spent.origin),
  }
}

// A client's own id is kept when it is a token of up to 255 word characters, "-" and "=" (as Hono's
// requestId middleware keeps it): anything else could forge log lines or bloat every answer.
const CLIENT_REQUEST_ID = /^[\w\-=]{1,255}$/

/**
 * requestIdFor returns the id of a request: the client's X-Request-Id when it is a short token, else a new
 * UUID.
 *
 * @example requestIdFor('order-42') // 'order-42'
 * @example requestIdFor(null) // 'f3c1…' (a new UUID)
 */
export function requestIdFor(sent: string | null): string {
  return sent !== null && CLIENT_REQUEST_ID.test(sent) ? sent : crypto.randomUUID()
}

/**
 * traceRequests gives each request an id (requestIdFor), echoes it in `X-Request-Id`, and, once the answer is
 * ready, adds Server-Timing and logs one line. It runs first, so that every answer, a refused Host's included,
 * has an id and a log line. (Hono's requestId middleware would also prepare headers for responses built
 * through `c`, which no handler here builds: every answer is a Response of its own.)
 *
 * @example app.use(traceRequests)
 */
export const traceRequests = createMiddleware<AppEnv>(async (c, next) => {
  const trace = traceOf(c)
  const id = requestIdFor(c.req.raw.headers.get('X-Request-Id'))
  c.set('requestId', id)
  await next()
  const headers = c.res.headers
  headers.set('X-Request-Id', id)
  headers.set('Server-Timing', trace.serverTiming())
  console.log(JSON.stringify(requestLogLine(c.req.method, c.req.path, id, c.res, trace)))
})
