/**
 * Every method but GET and HEAD in origin mode: forwarded as it came, body and all, and the origin's answer
 * passed on without its validators. A client's If-Match holds our tag, which the origin has never seen, so it
 * is translated: edge-etag reads what the origin serves now, evaluates the client's preconditions against our
 * validators of it (RFC 9110 section 13.2.2), and, when they pass, sends the write with If-Match listing the
 * origin's own strong tags for those bytes, so the origin itself refuses it if the bytes changed meanwhile.
 * When the origin gives those bytes no strong tag, the write cannot be made conditional there, and it is
 * refused with 412 rather than sent unguarded.
 */

import type { Context } from 'hono'
import { readConfig } from '../config.ts'
import type { AppEnv } from '../env.ts'
import { evaluatePreconditions, readConditionalHeaders, type Validators } from '../http/preconditions.ts'
import { HttpError } from '../http/problem.ts'
import { traceOf } from '../observability/request-trace.ts'
import { forwardedHeaders } from './forwarded-request.ts'
import { callOrigin } from './origin-fetch.ts'
import { strongOriginTags } from './origin-record.ts'
import { currentAtOrigin, type OriginTarget, passedOn } from './read-through-origin.ts'

function validatorFields(validators: Validators): Record<string, string> {
  return {
    ETag: validators.etag,
    ...(validators.lastModified === undefined ? {} : { 'Last-Modified': validators.lastModified }),
  }
}

/**
 * writeThroughOrigin forwards a write (or any method but GET and HEAD) to the origin, translating the
 * client's preconditions into the origin's validators: 412 when they fail here or at the origin.
 *
 * @example app.put('/legacy/*', (c) => writeThroughOrigin(c, { url, timeoutMs: 10_000 }))
 */
export async function writeThroughOrigin(c: Context<AppEnv>, target: OriginTarget): Promise<Response> {
  const request = c.req.raw
  const conditions = readConditionalHeaders(request.headers)
  const headers = forwardedHeaders(request.headers)
  // If-None-Match: * (create only) means the same to every replica, so it goes as it is.
  const createOnly = conditions.ifNoneMatch?.trim() === '*'
  if (createOnly) headers.set('If-None-Match', '*')
  const guarded =
    conditions.ifMatch !== null ||
    conditions.ifUnmodifiedSince !== null ||
    (conditions.ifNoneMatch !== null && !createOnly)
  if (guarded) {
    const current = await currentAtOrigin(c, target)
    if (current instanceof Response) return current
    const { strictIfMatch } = readConfig(c.env)
    const outcome = evaluatePreconditions(request.method, conditions, current?.validators ?? null, {
      weakIfMatch: !strictIfMatch,
    })
    if (outcome.action !== 'proceed') {
      const fields = current === null ? {} : validatorFields(current.validators)
      throw new HttpError(412, `${outcome.field} does not match what the origin serves now`, fields)
    }
    if (current === null) {
      // Nothing there, and the client's conditions allow that: keep it so at the origin.
      headers.set('If-None-Match', '*')
    } else {
      const strong = strongOriginTags(current.originTags)
      if (strong.length === 0) {
        throw new HttpError(
          412,
          'The origin gives this resource no strong ETag, so the write cannot be made conditional there; send it without preconditions to write unconditionally',
          validatorFields(current.validators),
        )
      }
      headers.set('If-Match', strong.join(', '))
    }
  }
  const forwarded = new Request(target.url, {
    method: request.method,
    headers,
    body: request.body,
  })
  const { response } = await traceOf(c).measure('origin', () => callOrigin(forwarded, target.timeoutMs))
  if (guarded && response.status === 412) {
    await response.body?.cancel()
    throw new HttpError(412, 'The origin refused the write: what it serves changed since it was checked')
  }
  return passedOn(request, response, target)
}
