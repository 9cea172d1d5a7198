/**
 * GET and HEAD in origin mode: forward to the origin, serve what it sends with our strong ETag (the SHA-256 of
 * its canonical bytes) and our first-seen Last-Modified instead of its own validators, and answer the
 * client's conditions against ours. When the client already holds the current bytes (or asks with HEAD), the
 * origin is asked conditionally with every ETag its replicas gave those bytes, so its 304 saves the download.
 *
 * Answers meant for one user (the request carries Authorization or Cookie; the answer is private, no-store,
 * sets a cookie or varies on `*`) get our tag too, hashed afresh each time: a matching If-None-Match still
 * earns a 304, but nothing about them is recorded, so nothing is shared between users.
 */

import type { Context } from 'hono'
import { answerConditionalRead } from '../conditional-response.ts'
import { StorageUnavailableError } from '../documents/document.ts'
import type { AppEnv } from '../env.ts'
import { isForOneUser } from '../http/cache-control.ts'
import { evaluatePreconditions, readConditionalHeaders, type Validators } from '../http/preconditions.ts'
import { parseVary } from '../http/vary.ts'
import { traceOf } from '../observability/request-trace.ts'
import { KvOriginRecords } from '../store/kv-origin-records.ts'
import { forwardedHeaders, isForOneUserRequest, passedOnHeaders } from './forwarded-request.ts'
import { callOrigin, type OriginCall, readOriginBody } from './origin-fetch.ts'
import {
  knownVariant,
  type OriginRecord,
  type OriginRecords,
  recordSeen,
  strongOriginTags,
  type VariantValidators,
  validatorsOf,
} from './origin-record.ts'
import { originRepresentation } from './origin-representation.ts'

/** OriginTarget is the origin URL a request maps to, how long the origin may take, and how its URLs map back. */
export interface OriginTarget {
  readonly url: URL
  readonly timeoutMs: number
  /** Maps a Location or Content-Location of the origin to this worker's URL for it. */
  readonly relocate: (location: string) => string
}

/** CurrentAtOrigin is what the origin serves now, as edge-etag serves it. */
export interface CurrentAtOrigin {
  /** Our validators of the bytes; no Last-Modified when they were not seen before (or within its second). */
  readonly validators: Validators
  /** Whether these bytes were recorded before: if not, they are newer than anything a client was given. */
  readonly seen: boolean
  /** False when the origin has something edge-etag could not hash: its validators then mean nothing. */
  readonly hashed: boolean
  /** The origin's own tags for these bytes: the replica's just now, then those recorded. */
  readonly originTags: readonly string[]
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

// Records only save work: when KV fails, the answer goes on without one.
async function tolerantly<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    if (!(error instanceof StorageUnavailableError)) throw error
    console.error(`origin mode: ${error.message}`, error.cause)
    return fallback
  }
}

function originRequest(target: OriginTarget, headers: Headers): Request {
  return new Request(target.url, { method: 'GET', headers })
}

/**
 * readThroughOrigin answers a GET or HEAD under the origin prefix: 200 or 304 with our validators, 412 for a
 * failed If-Match, the origin's other answers passed on without its validators, 502/504 when it fails.
 *
 * @example app.get('/legacy/*', (c) => readThroughOrigin(c, { url, timeoutMs: 10_000 }))
 */
export async function readThroughOrigin(c: Context<AppEnv>, target: OriginTarget): Promise<Response> {
  const request = c.req.raw
  const shared = !isForOneUserRequest(request.headers)
  const records = shared ? recordsOf(c) : null
  const url = target.url.href
  const record = records === null ? null : await tolerantly(() => records.get(url), null)
  const known = knownVariant(record, request.headers)
  const headers = forwardedHeaders(request.headers)
  // Ask conditionally only when the origin's 304 is enough to answer: the client holds these bytes, or no
  // body is wanted. Otherwise the body is needed whatever the origin would say.
  const originTags = known === null ? [] : strongOriginTags(known.originTags)
  if (known !== null && originTags.length > 0 && needsNoBody(request, known)) {
    headers.set('If-None-Match', originTags.join(', '))
  }
  const call = await traceOf(c).measure('origin', () =>
    callOrigin(originRequest(target, headers), target.timeoutMs),
  )
  const { response } = call
  if (response.status === 304 && known !== null && headers.has('If-None-Match')) {
    await response.body?.cancel()
    traceOf(c).noteRepresentation(known.size)
    return answerWith(request, validatorsOf(known), response.headers, known.contentType, null, target)
  }
  // A body in a coding the runtime did not decode cannot be hashed as what it says: passed on as it came.
  if (response.status !== 200 || !isDecoded(response.headers)) return passedOn(request, response, target)

  const body = await traceOf(c).measure('origin', () => readOriginBody(call))
  if (!(body instanceof Uint8Array)) return passedOn(request, new Response(body, response), target)
  const contentType = response.headers.get('Content-Type')
  const representation = await traceOf(c).measure('hash', () => originRepresentation(body, contentType))
  traceOf(c).noteRepresentation(representation.bytes.byteLength)
  const vary = parseVary(response.headers.get('Vary'))
  const forOneUser =
    records === null ||
    vary === '*' ||
    isForOneUser(response.headers.get('Cache-Control')) ||
    response.headers.has('Set-Cookie')
  let validators: Validators = { etag: representation.etag }
  if (!forOneUser) {
    const seen = recordSeen(
      record,
      {
        vary,
        headers: request.headers,
        etag: representation.etag,
        contentType,
        size: representation.bytes.byteLength,
        originTag: response.headers.get('ETag'),
      },
      Date.now() / 1000,
    )
    validators = validatorsOf(knownVariant(seen.record, request.headers) as VariantValidators)
    if (seen.changed) await tolerantly(() => records.put(url, seen.record), undefined)
  }
  return answerWith(request, validators, response.headers, contentType, representation.bytes, target)
}

// The content codings the Workers runtime decodes as it reads a fetched body.
const DECODED_CODINGS = new Set(['gzip', 'x-gzip', 'br', 'identity', ''])

function isDecoded(headers: Headers): boolean {
  return DECODED_CODINGS.has((headers.get('Content-Encoding') ?? '').trim().toLowerCase())
}

function needsNoBody(request: Request, known: VariantValidators): boolean {
  if (request.method === 'HEAD') return true
  const conditions = readConditionalHeaders(request.headers)
  const outcome = evaluatePreconditions(request.method, conditions, validatorsOf(known))
  return outcome.action === 'not-modified'
}

// answerWith answers the client's conditions against our validators, with the origin's other fields.
async function answerWith(
  request: Request,
  validators: Validators,
  originHeaders: Headers,
  contentType: string | null,
  bytes: Uint8Array | null,
  target: OriginTarget,
): Promise<Response> {
  const fields: Record<string, string> = {}
  passedOnHeaders(originHeaders, { ownBody: true, relocate: target.relocate }).forEach((value, name) => {
    if (name !== 'cache-control' && name !== 'content-type') fields[name] = value
  })
  if (contentType !== null) fields['Content-Type'] = contentType
  const answer = await answerConditionalRead(request, {
    validators,
    // Only reached for a 200 to a GET, which always has the bytes (an origin 304 is used only when no body is).
    load: async () => ({ validators, body: bytes ?? new Uint8Array(0) }),
    headers: fields,
    cacheControl: originHeaders.get('Cache-Control'),
  })
  // A 304 keeps only the fields that describe the representation; a cookie the origin sets is not one of
  // them, but the client must still get it.
  if (answer.status === 304)
    for (const cookie of originHeaders.getSetCookie()) answer.headers.append('Set-Cookie', cookie)
  return answer
}

/**
 * passedOn returns an origin answer the way the client gets it: without the origin's validators, and without
 * a body for a HEAD.
 *
 * @example return passedOn(c.req.raw, originResponse, target)
 */
export function passedOn(request: Request, response: Response, target: OriginTarget): Response {
  const body = request.method === 'HEAD' ? null : response.body
  if (body === null) response.body?.cancel()
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: passedOnHeaders(response.headers, { relocate: target.relocate }),
  })
}

// unhashed stands for something the origin has but edge-etag cannot hash (a body too large or still coded,
// a redirect): it exists, so `*` conditions hold, and no tag or date a client holds can match it.
function unhashed(originTag: string | null): CurrentAtOrigin {
  return {
    validators: { etag: `"unhashed-${crypto.randomUUID()}"` },
    seen: false,
    hashed: false,
    originTags: originTag === null ? [] : strongOriginTags([originTag]),
  }
}

/**
 * currentAtOrigin GETs what the origin serves now for `target` (with the fields of `request` that choose it),
 * for checking a write's preconditions: null when there is nothing there (404, 410), the origin's answer
 * itself when it refuses the read (401, 403), something that matches no tag when its body cannot be hashed
 * (too large, a coding not decoded, a status other than 200), HttpError 502/504 when it fails.
 *
 * @example const current = await currentAtOrigin(c, target)
 */
export async function currentAtOrigin(
  c: Context<AppEnv>,
  target: OriginTarget,
): Promise<CurrentAtOrigin | Response | null> {
  const request = c.req.raw
  const headers = forwardedHeaders(request.headers, { asRead: true })
  const call: OriginCall = await traceOf(c).measure('origin', () =>
    callOrigin(originRequest(target, headers), target.timeoutMs),
  )
  const { response } = call
  if (response.status === 401 || response.status === 403) return passedOn(request, response, target)
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel()
    return null
  }
  const body =
    response.status === 200 && isDecoded(response.headers)
      ? await traceOf(c).measure('origin', () => readOriginBody(call))
      : null
  if (!(body instanceof Uint8Array)) {
    await (body ?? response.body)?.cancel()
    return unhashed(response.headers.get('ETag'))
  }
  const { etag } = await traceOf(c).measure('hash', () =>
    originRepresentation(body, response.headers.get('Content-Type')),
  )
  // The record is read for a credentialed write too: only the replicas' tags of these very bytes (the same
  // hash) are taken from it, and they go to the origin, never to the client.
  const record: OriginRecord | null = await tolerantly(() => recordsOf(c).get(target.url.href), null)
  const known = knownVariant(record, request.headers)
  const originTag = response.headers.get('ETag')
  const same = known?.etag === etag ? known : null
  return {
    validators: same === null ? { etag } : validatorsOf(same),
    seen: same !== null,
    hashed: true,
    originTags: strongOriginTags([
      ...new Set([...(originTag === null ? [] : [originTag]), ...(same?.originTags ?? [])]),
    ]),
  }
}
