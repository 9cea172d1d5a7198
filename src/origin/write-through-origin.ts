/**
 * Every method but GET and HEAD in origin mode: forwarded as it came, body and all, and the origin's answer
 * passed on without its validators. A client's If-Match holds our tag, which the origin has never seen, so it
 * is translated: edge-etag reads what the origin serves now, evaluates the client's preconditions against our
 * validators of it (RFC 9110 section 13.2.2), and, when they pass, sends the write with If-Match listing the
 * origin's own strong tags for those bytes, so the origin itself refuses it if the bytes changed meanwhile.
 * When the origin gives those bytes no strong tag, the write cannot be made conditional there, and it is
 * refused with 412 rather than sent unguarded. `If-Match: *` and `If-None-Match: *` are checked the same way,
 * and then sent as they are: they mean the same to every replica.
 */

import type { Context } from 'hono'
import { validatorFields } from '../conditional-response.ts'
import { readConfig } from '../config.ts'
import type { AppEnv } from '../env.ts'
import { formatHttpDate } from '../http/http-date.ts'
import { evaluatePreconditions, readConditionalHeaders, type Validators } from '../http/preconditions.ts'
import { HttpError } from '../http/problem.ts'
import { readBodyWithLimit } from '../http/read-body.ts'
import { traceOf } from '../observability/request-trace.ts'
import { type CurrentAtOrigin, currentAtOrigin } from './current-at-origin.ts'
import { forwardedHeaders } from './forwarded-request.ts'
import { type OriginTarget, passedOn } from './origin-exchange.ts'
import { callOrigin } from './origin-fetch.ts'
import { strongOriginTags } from './origin-record.ts'

// checkedValidators are the validators a write's preconditions are evaluated against. Bytes never seen
// before are newer than anything a client was given, so for If-Unmodified-Since (RFC 9110 section 13.1.4)
// they count as modified just after now: no date a client holds can pass.
function checkedValidators(current: CurrentAtOrigin | null): Validators | null {
  if (current === null || current.seen) return current?.validators ?? null
  return { ...current.validators, lastModified: formatHttpDate(Math.floor(Date.now() / 1000) + 1) }
}

/**
 * MAX_GUARDED_ATTEMPTS bounds how often a guarded write is sent: when the replica that takes it refuses a tag
 * list that lacks its own, the check is made again, which may learn that replica's tag for the same bytes.
 */
export const MAX_GUARDED_ATTEMPTS = 4

/**
 * writeThroughOrigin forwards a write (or any method but GET and HEAD) to the origin, translating the
 * client's preconditions into the origin's validators: 412 when they fail here or at the origin.
 *
 * @example app.put('/legacy/*', (c) => writeThroughOrigin(c, { url, timeoutMs: 10_000 }))
 */
export async function writeThroughOrigin(c: Context<AppEnv>, target: OriginTarget): Promise<Response> {
  const request = c.req.raw
  const conditions = readConditionalHeaders(request.headers)
  const guarded =
    conditions.ifMatch !== null || conditions.ifUnmodifiedSince !== null || conditions.ifNoneMatch !== null
  if (!guarded) {
    const forwarded = new Request(target.url, {
      method: request.method,
      headers: forwardedHeaders(request),
      body: request.body,
    })
    const { response } = await traceOf(c).measure('origin', () => callOrigin(forwarded, target.timeoutMs))
    return passedOn(request, response, target)
  }
  // A guarded write may be sent more than once, so its body is read first (and bounded as the API's are).
  const { maxBodyBytes, strictIfMatch } = readConfig(c.env)
  const body = request.body === null ? null : await readBodyWithLimit(request, maxBodyBytes)
  let tags: string[] = []
  let last: CurrentAtOrigin | null = null
  for (let attempt = 1; ; attempt++) {
    const current = await currentAtOrigin(c, target)
    if (current instanceof Response) return current
    last = current
    const outcome = evaluatePreconditions(request.method, conditions, checkedValidators(current), {
      weakIfMatch: !strictIfMatch,
    })
    if (outcome.action !== 'proceed') {
      const fields = current?.hashed ? validatorFields(current.validators) : {}
      throw new HttpError(412, `${outcome.field} does not match what the origin serves now`, fields)
    }
    const headers = forwardedHeaders(request)
    if (current === null) {
      // Nothing there, and the client's conditions allow that: keep it so at the origin.
      headers.set('If-None-Match', '*')
    } else if (conditions.ifMatch?.trim() === '*') {
      // "If it exists" means the same to every replica.
      headers.set('If-Match', '*')
    } else {
      const learned = [...new Set([...tags, ...strongOriginTags(current.originTags)])]
      if (learned.length === 0) {
        throw new HttpError(
          412,
          'The origin gives this resource no strong ETag, so the write cannot be made conditional there; send it without preconditions to write unconditionally',
          current.hashed ? validatorFields(current.validators) : {},
        )
      }
      tags = learned
      headers.set('If-Match', tags.join(', '))
    }
    const forwarded = new Request(target.url, { method: request.method, headers, body })
    const { response } = await traceOf(c).measure('origin', () => callOrigin(forwarded, target.timeoutMs))
    if (response.status !== 412) return passedOn(request, response, target)
    await response.body?.cancel()
    // Refused: the bytes changed, or the replica that took the write has a tag not yet known. Reading again
    // tells which, and may reach that replica (a load balancer sends the next requests elsewhere); a list
    // that learned nothing new would only be refused again.
    if (attempt === MAX_GUARDED_ATTEMPTS || current === null || tags.length === 0) break
    const learned = await newOriginTags(c, target, current.validators.etag, tags)
    if (learned instanceof Response) return learned
    if (learned.length === 0) break
    tags = [...tags, ...learned]
  }
  throw new HttpError(
    412,
    'The origin refused the write with its own tags for what it served when checked: it changed since, or its replicas disagree',
    last?.hashed ? validatorFields(last.validators) : {},
  )
}

/** PROBES_PER_ATTEMPT bounds the reads made to learn the tag of the replica that refused a write. */
const PROBES_PER_ATTEMPT = 3

// newOriginTags reads the target until a replica gives the same bytes (our `etag`) a strong tag not in
// `known`, and returns the new tags: none when the bytes changed, or no replica read had a new one.
async function newOriginTags(
  c: Context<AppEnv>,
  target: OriginTarget,
  etag: string,
  known: readonly string[],
): Promise<string[] | Response> {
  for (let probe = 0; probe < PROBES_PER_ATTEMPT; probe++) {
    const again = await currentAtOrigin(c, target)
    if (again instanceof Response) return again
    if (again === null || again.validators.etag !== etag) return []
    const added = strongOriginTags(again.originTags).filter((tag) => !known.includes(tag))
    if (added.length > 0) return added
  }
  return []
}
