/**
 * What every exchange with the origin shares: the target a request maps to, the records in KV (which only save
 * work, so a KV failure never fails an answer), the GET that reads the origin, and how its answers are passed on.
 */

import type { Context } from 'hono'
import { StorageUnavailableError } from '../documents/document.ts'
import type { AppEnv } from '../env.ts'
import { traceOf } from '../observability/request-trace.ts'
import { KvOriginRecords } from '../store/kv-origin-records.ts'
import { passedOnHeaders } from './forwarded-request.ts'
import type { OriginRecords } from './origin-record.ts'

/** OriginTarget is the origin URL a request maps to, how long the origin may take, and how its URLs map back. */
export interface OriginTarget {
  readonly url: URL
  readonly timeoutMs: number
  /** Maps a Location or Content-Location of the origin to this worker's URL for it. */
  readonly relocate: (location: string) => string
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

// The content codings the Workers runtime decodes as it reads a fetched body.
const DECODED_CODINGS = new Set(['gzip', 'x-gzip', 'br', 'identity', ''])

/**
 * isDecoded reports whether a fetched body arrives decoded: no content coding, or one the runtime decodes.
 *
 * @example isDecoded(new Headers({ 'Content-Encoding': 'deflate' })) // false
 */
export function isDecoded(headers: Headers): boolean {
  return DECODED_CODINGS.has((headers.get('Content-Encoding') ?? '').trim().toLowerCase())
}

/**
 * passedOn returns an origin answer the way the client gets it: without the origin's validators, and without
 * a body for a HEAD.
 *
 * @example return passedOn(c.req.raw, originResponse, target)
 */
export function passedOn(request: Request, response: Response, target: OriginTarget): Response {
  const body = request.method === 'HEAD' ? null : response.body
  // Nothing waits on the cancel; a failure of it would only be an unhandled rejection.
  if (body === null) response.body?.cancel().catch(() => undefined)
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: passedOnHeaders(response.headers, { relocate: target.relocate }),
  })
}
