/**
 * What the origin serves now for a target, as edge-etag would serve it: read with a GET on a write's behalf,
 * so that the write's preconditions are evaluated against our validators (./write-through-origin.ts).
 */

import type { Context } from 'hono'
import type { AppEnv } from '../env.ts'
import type { Validators } from '../http/preconditions.ts'
import { traceOf } from '../observability/request-trace.ts'
import { forwardedHeaders, isForOneUserRequest } from './forwarded-request.ts'
import { type OriginTarget, originGet, passedOn, recordsOf, tolerantly } from './origin-exchange.ts'
import { callOrigin, type OriginCall, readOriginBody } from './origin-fetch.ts'
import { knownVariant, type OriginRecord, strongOriginTags, validatorsOf } from './origin-record.ts'
import { originRepresentation } from './origin-representation.ts'

/** CurrentAtOrigin is what the origin serves now, as edge-etag serves it. */
export interface CurrentAtOrigin {
  /** Our validators of the bytes; no Last-Modified when they were not seen before (or within its second). */
  readonly validators: Validators
  /**
   * Whether these bytes were recorded before (and the request, without credentials, may use that record): if
   * not, they count as newer than anything a client was given.
   */
  readonly seen: boolean
  /** False when the origin has something edge-etag could not hash: its validators then mean nothing. */
  readonly hashed: boolean
  /** The origin's own tags for these bytes: the replica's just now, then those recorded. */
  readonly originTags: readonly string[]
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
  const headers = forwardedHeaders(request, { asRead: true })
  const call: OriginCall = await traceOf(c).measure('origin', () =>
    callOrigin(originGet(target, headers), target.timeoutMs),
  )
  const { response } = call
  if (response.status === 401 || response.status === 403) return passedOn(request, response, target)
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel()
    return null
  }
  const read = response.status === 200 ? await traceOf(c).measure('origin', () => readOriginBody(call)) : null
  if (read === null || 'passOn' in read) {
    await (read === null ? response.body : read.passOn)?.cancel()
    return unhashed(response.headers.get('ETag'))
  }
  const body = read.decoded
  const { etag } = await traceOf(c).measure('hash', () =>
    originRepresentation(body, response.headers.get('Content-Type')),
  )
  // The record is read for a credentialed write too, but only the replicas' tags of these very bytes (the same
  // hash) are taken from it, and they go to the origin, never to the client. Its first-seen date is shared, so
  // such a write is checked against the hash alone, as bytes not seen: no If-Unmodified-Since passes, and its
  // 412 tells no date another requester's read set.
  const key = target.recordKey
  const record: OriginRecord | null =
    key === null ? null : await tolerantly(() => recordsOf(c).get(key), null)
  const known = knownVariant(record, request.headers)
  const originTag = response.headers.get('ETag')
  const same = known?.etag === etag ? known : null
  const shared = same !== null && !isForOneUserRequest(request.headers)
  return {
    validators: shared ? validatorsOf(same) : { etag },
    seen: shared,
    hashed: true,
    originTags: strongOriginTags([
      ...new Set([...(originTag === null ? [] : [originTag]), ...(same?.originTags ?? [])]),
    ]),
  }
}
