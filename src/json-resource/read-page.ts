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
  PAGE_BYTE_BUDGET,
  type PageQuery,
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
  const { maxBodyBytes } = readConfig(c.env)
  let listing = await store.list(resource, query)
  // Too many bytes for one page: list again, only as many as fit, so that the cursor continues from there.
  const fitting = countWithinBudget(listing.documents, maxBodyBytes)
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
      const page = await loadPage(c, resource, query, listed, next, maxBodyBytes)
      // KV may have moved on between the list and the read: then the tag is that of what was read.
      const same = page.next === next && sameMembers(page.members, listed)
      const current = same ? validators : { etag: await pageETag(page.members, page.next) }
      return { validators: current, body: pageJson(page.members, page.next) }
    },
    ...(next === null ? {} : { headers: { Link: `<${next}>; rel="next"` } }),
  })
}

/**
 * loadPage reads the listed members, within PAGE_BYTE_BUDGET counted on the bytes read: a listing's sizes may
 * be older than the values (documents that grew since), so when the values are over budget the page ends
 * earlier than listed, and a second, shorter listing gives the cursor that continues after its last member.
 */
async function loadPage(
  c: Context<AppEnv>,
  resource: string,
  query: PageQuery,
  listed: readonly ListedDocument[],
  next: string | null,
  maxBodyBytes: number,
): Promise<{ members: readonly LoadedDocument[]; next: string | null }> {
  const store = storeOf(c)
  // No document is stored larger than the body limit, unless the listing knows it to be.
  const largestDocument = listed.reduce((largest, { size }) => Math.max(largest, size ?? 0), maxBodyBytes)
  const loaded = await store.load(resource, listed, { budget: PAGE_BYTE_BUDGET, largestDocument })
  const fitting = countWithinBudget(loaded.documents, maxBodyBytes)
  if (loaded.complete && fitting === loaded.documents.length) return { members: loaded.documents, next }

  const kept = loaded.documents.slice(0, fitting)
  const last = kept.at(-1)
  const shorter = await store.list(resource, {
    limit: Math.max(1, listed.findIndex(({ id }) => id === last?.id) + 1),
    cursor: query.cursor,
  })
  // Only members the shorter listing also names: the cursor continues after its last one.
  const named = new Set(shorter.documents.map(({ id }) => id))
  return {
    members: kept.filter(({ id }) => named.has(id)),
    next:
      shorter.cursor === null ? null : await nextPageUrl(c.req.path, resource, query.limit, shorter.cursor),
  }
}

function sameMembers(loaded: readonly LoadedDocument[], listed: readonly ListedDocument[]): boolean {
  return (
    loaded.length === listed.length &&
    loaded.every((member, index) => member.id === listed[index]?.id && member.etag === listed[index]?.etag)
  )
}
