/**
 * GET and HEAD of a collection: one page, validator-first. The page's tag comes from one KV list (ids and
 * tags), so a 304 reads no document; a 200 reads only the page's members, in bulk reads bounded by bytes.
 */

import type { Context } from 'hono'
import { answerConditionalRead } from '../conditional-response.ts'
import { readConfig } from '../config.ts'
import {
  countWithinBudget,
  nextPageUrl,
  pageByteLength,
  pageETag,
  pageJson,
  readPageQuery,
} from '../documents/collection-page.ts'
import type { ListedDocument, LoadedDocument } from '../documents/document.ts'
import type { AppEnv } from '../env.ts'
import { HttpError } from '../http/problem.ts'
import { traceOf } from '../observability/request-trace.ts'
import { storeOf } from './context.ts'

/**
 * readPage answers a request for a page of `resource`: `?limit=` (1 to 1000, default 100) and `?cursor=`
 * (from a previous page's `next`), 400 when either is not valid.
 *
 * @example resource.get('/', (c) => readPage(c, 'tasks'))
 */
export async function readPage(c: Context<AppEnv>, resource: string): Promise<Response> {
  const query = await readPageQuery(resource, {
    limit: c.req.queries('limit') ?? [],
    cursor: c.req.queries('cursor') ?? [],
  })
  if (!query.ok) throw new HttpError(400, query.detail)
  const store = storeOf(c)
  let listing = await store.list(resource, query)
  // Too many bytes for one page: list again, only as many as fit, so that the cursor continues from there.
  const fitting = countWithinBudget(listing.documents, readConfig(c.env).maxBodyBytes)
  if (fitting < listing.documents.length)
    listing = await store.list(resource, { limit: fitting, cursor: query.cursor })
  const listed = listing.documents
  const next =
    listing.cursor === null ? null : await nextPageUrl(c.req.path, resource, query.limit, listing.cursor)
  const trace = traceOf(c)
  const validators = { etag: await trace.measure('hash', () => pageETag(listed, next)) }
  trace.noteRepresentation(pageByteLength(listed, next))

  return answerConditionalRead(c.req.raw, {
    validators,
    load: async () => {
      const members = await store.load(resource, listed)
      // KV may have moved on between the list and the read: then the tag is that of what was read.
      const current = sameMembers(members, listed) ? validators : { etag: await pageETag(members, next) }
      return { validators: current, body: pageJson(members, next) }
    },
    ...(next === null ? {} : { headers: { Link: `<${next}>; rel="next"` } }),
  })
}

function sameMembers(loaded: readonly LoadedDocument[], listed: readonly ListedDocument[]): boolean {
  return (
    loaded.length === listed.length &&
    loaded.every((member, index) => member.id === listed[index]?.id && member.etag === listed[index]?.etag)
  )
}
