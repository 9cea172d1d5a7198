/**
 * GET and HEAD in origin mode: forward to the origin, serve what it sends with our strong ETag (the SHA-256 of
 * its canonical bytes) and our first-seen Last-Modified instead of its own validators, and answer the
 * client's conditions against ours. When the client already holds the current bytes (or asks with HEAD), the
 * origin is asked conditionally with every ETag its replicas gave those bytes, so its 304 saves the download.
 *
 * Answers meant for one user (the request carries credentials; the answer is private, no-store, sets a cookie
 * or varies on `*`) get our tag too, hashed afresh each time: a matching If-None-Match still earns a 304, but
 * nothing about them is recorded, and no record answers them, so nothing is shared between users. So are
 * answers at a URL whose query or path a client can make up endless spellings of (see recordKeyOf): KV is
 * written for the URLs the origin serves, each under one spelling, not for every variant a client sends.
 */

import type { Context } from 'hono'
import { answerConditionalRead } from '../conditional-response.ts'
import type { AppEnv } from '../env.ts'
import { isForOneUser } from '../http/cache-control.ts'
import { evaluatePreconditions, readConditionalHeaders, type Validators } from '../http/preconditions.ts'
import { parseVary } from '../http/vary.ts'
import { traceOf } from '../observability/request-trace.ts'
import { forwardedHeaders, isForOneUserRequest, passedOnHeaders } from './forwarded-request.ts'
import { type OriginTarget, originGet, passedOn, recordsOf, tolerantly } from './origin-exchange.ts'
import { callOrigin, readOriginBody } from './origin-fetch.ts'
import {
  knownVariant,
  recordSeen,
  strongOriginTags,
  type VariantValidators,
  validatorsOf,
} from './origin-record.ts'
import { originRepresentation } from './origin-representation.ts'

/**
 * readThroughOrigin answers a GET or HEAD under the origin prefix: 200 or 304 with our validators, 412 for a
 * failed If-Match, the origin's other answers passed on without its validators, 502/504 when it fails.
 *
 * @example app.get('/legacy/*', (c) => readThroughOrigin(c, { url, timeoutMs: 10_000 }))
 */
export async function readThroughOrigin(c: Context<AppEnv>, target: OriginTarget): Promise<Response> {
  const request = c.req.raw
  // A request with credentials neither reads nor leaves a record; nor does a URL that has none (recordKey).
  const key = isForOneUserRequest(request.headers) ? null : target.recordKey
  const records = key === null ? null : { store: recordsOf(c), key }
  const record = records === null ? null : await tolerantly(() => records.store.get(records.key), null)
  const known = knownVariant(record, request.headers)
  const headers = forwardedHeaders(request)
  // Ask conditionally only when the origin's 304 is enough to answer: the client holds these bytes, or no
  // body is wanted. Otherwise the body is needed whatever the origin would say.
  const originTags = known === null ? [] : strongOriginTags(known.originTags)
  if (known !== null && originTags.length > 0 && needsNoBody(request, known)) {
    headers.set('If-None-Match', originTags.join(', '))
  }
  const call = await traceOf(c).measure('origin', () =>
    callOrigin(originGet(target, headers), target.timeoutMs),
  )
  const { response } = call
  if (response.status === 304 && known !== null && headers.has('If-None-Match')) {
    await response.body?.cancel()
    traceOf(c).noteRepresentation(known.size)
    return answerWith(request, validatorsOf(known), response.headers, known.contentType, null, target)
  }
  if (response.status !== 200) return passedOn(request, response, target)
  const read = await traceOf(c).measure('origin', () => readOriginBody(call))
  // A body too large, or in a coding edge-etag does not decode, is passed on as it came, without our tag.
  if ('passOn' in read) return passedOn(request, response, target, read.passOn)
  const body = read.decoded
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
    if (seen.changed) await tolerantly(() => records.store.put(records.key, seen.record), undefined)
  }
  return answerWith(request, validators, response.headers, contentType, representation.bytes, target)
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
