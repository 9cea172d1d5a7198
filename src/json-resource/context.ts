/**
 * What every handler of a resource reads from the request context: the document it names, and the store.
 */

import type { Context } from 'hono'
import type { DocumentTarget } from '../documents/document.ts'
import type { DocumentStore } from '../documents/document-store.ts'
import { DOCUMENT_ID_RULE, isDocumentId } from '../documents/names.ts'
import type { AppEnv } from '../env.ts'
import { HttpError } from '../http/problem.ts'
import { traceOf } from '../observability/request-trace.ts'
import { TimedDocumentStore } from '../observability/timed-document-store.ts'
import { KvDocumentStore } from '../store/kv-document-store.ts'

/**
 * targetOf returns the document a request names (the `:id` of the path in resource `resource`), or throws
 * 400 when the id is not valid.
 *
 * @example targetOf(c, 'tasks') // { resource: 'tasks', id: 'buy-milk' }
 */
export function targetOf(c: Context<AppEnv>, resource: string): DocumentTarget {
  const id = c.req.param('id') ?? ''
  if (!isDocumentId(id)) throw new HttpError(400, `Not a valid id in ${resource}: ${DOCUMENT_ID_RULE}`)
  return { resource, id }
}

/**
 * storeOf returns the document store of the request's environment, timed into the request's trace.
 *
 * @example await storeOf(c).get(target)
 */
export function storeOf(c: Context<AppEnv>): DocumentStore {
  return new TimedDocumentStore(new KvDocumentStore(c.env.DOCUMENTS), traceOf(c))
}

/**
 * describeTarget names a document in messages, as `<resource>/<id>`.
 *
 * @example describeTarget({ resource: 'tasks', id: 'a1' }) // 'tasks/a1'
 */
export function describeTarget({ resource, id }: DocumentTarget): string {
  return `${resource}/${id}`
}
