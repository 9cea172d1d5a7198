/**
 * GET and HEAD of a document: validator-first. KV answers with the metadata (the validators) before the
 * value, so a 304, a HEAD or a 412 cancels the value's stream unread, and a 200 streams the stored canonical
 * bytes with no parse, no serialisation and no hashing.
 */

import type { Context } from 'hono'
import { respondWithRepresentation } from '../conditional-response.ts'
import type { AppEnv } from '../env.ts'
import { HttpError } from '../http/problem.ts'
import { traceOf } from '../observability/request-trace.ts'
import { describeTarget, storeOf, targetOf } from './context.ts'
import { MERGE_PATCH_TYPE } from './write-document.ts'

/**
 * readDocument answers a request for a document of `resource`: 200, 304, 412, or 404 when it does not exist.
 *
 * @example resource.get('/:id', (c) => readDocument(c, 'tasks'))
 */
export async function readDocument(c: Context<AppEnv>, resource: string): Promise<Response> {
  const target = targetOf(c, resource)
  const document = await storeOf(c).get(target)
  if (document === null) throw new HttpError(404, `There is no document ${describeTarget(target)}`)
  traceOf(c).noteRepresentation(document.size)
  return respondWithRepresentation(c.req.raw, document, ADVERTISED_PATCH)
}

// RFC 5789 section 3.1: a resource that accepts PATCH says in which formats, on GET and HEAD among others.
const ADVERTISED_PATCH = { 'Accept-Patch': MERGE_PATCH_TYPE }
