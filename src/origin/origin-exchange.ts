/**
 * What every exchange with the origin shares: the target a request maps to, the records in KV (which only save
 * work, so a KV failure never fails an answer), the GET that reads the origin, and how its answers are passed on.
 */

import type { Context } from 'hono'
import { StorageUnavailableError } from '../documents/document.ts'
import type { AppEnv } from '../env.ts'
import { HttpError } from '../http/problem.ts'
import { traceOf } from '../observability/request-trace.ts'
import { KvOriginRecords } from '../store/kv-origin-records.ts'
import { passedOnHeaders } from './forwarded-request.ts'
import type { OriginRecords } from './origin-record.ts'

/**
 * OriginTarget is the origin URL a request maps to, how long the origin may take, how its URLs map back, and
 * under which key what it serves there is recorded, if at all.
 */
export interface OriginTarget {
  readonly url: URL
  readonly timeoutMs: number
  /** Maps a Location or Content-Location of the origin to a reference for the client; null: never passed on. */
  readonly relocate: (location: string) => string | null
  /**
   * The URL in one spelling, under which its record is kept; null for a URL a client can make up endless
   * spellings of, never recorded (see recordKeyOf in ./record-key.ts).
   */
  readonly recordKey: string | null
}

/** recordsOf returns the origin records of the worker's KV, their reads and writes timed as `kv`. */
export function recordsOf(c: Context<AppEnv>): OriginRecords {
  const records = new KvOriginRecords(c.env.DOCUMENTS)
  const trace = traceOf(c)
  return {
    get: (url) => trace.measure('kv', () => records.get(url)),
    put: (url, record) => trace.measure('kv', () => records.put(url, record)),
  }
}

/**
 * tolerantly runs a record's read or write; when KV fails, it logs that and returns `fallback`: records only
 * save work, so the answer goes on without one.
 *
 * @example const record = await tolerantly(() => records.get(url), null)
 */
export async function tolerantly<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    if (!(error instanceof StorageUnavailableError)) throw error
    console.error(`origin mode: ${error.message}`, error.cause)
    return fallback
  }
}

/**
 * originGet returns the GET of the target's origin URL with `headers`.
 *
 * @example await callOrigin(originGet(target, headers), target.timeoutMs)
 */
export function originGet(target: OriginTarget, headers: Headers): Request {
  return new Request(target.url, { method: 'GET', headers })
}

/**
 * passedOn returns an origin answer the way the client gets it: without the origin's validators, its body as
 * it came (still in its content coding: `encodeBody: 'manual'`), and none for a HEAD. A redirect (3xx) gets no
 * body either: a client follows its Location, and the page an origin writes beside it may name what Location
 * must not (`<a href="http://10.0.0.7/admin">`). A redirect of a read to where the client must not be sent
 * (the origin's own host outside its base, an internal address) is HttpError 502, which names neither: the
 * origin's internal addresses stay behind the prefix. A write's redirect keeps its status without the Location:
 * the origin has acted on the write, and a 502 would invite a retry.
 *
 * @example return passedOn(c.req.raw, originResponse, target)
 */
export function passedOn(
  request: Request,
  response: Response,
  target: OriginTarget,
  body: ReadableStream<Uint8Array> | null = response.body,
): Response {
  const redirect = response.status >= 300 && response.status < 400 && response.status !== 304
  const headers = passedOnHeaders(response.headers, { relocate: target.relocate, ownBody: redirect })
  if (redirect) headers.delete('Content-Type')
  const read = request.method === 'GET' || request.method === 'HEAD'
  const hidden = read && redirect && response.headers.has('Location') && !headers.has('Location')
  const sent = request.method === 'HEAD' || redirect ? null : body
  // Nothing waits on the cancel; a failure of it would only be an unhandled rejection.
  if (sent === null) body?.cancel().catch(() => undefined)
  if (hidden) {
    throw new HttpError(
      502,
      `The origin answered ${response.status} with a Location outside ORIGIN_URL's base, which is not passed on`,
    )
  }
  return new Response(sent, {
    status: response.status,
    statusText: response.statusText,
    headers,
    encodeBody: 'manual',
  })
}
