/**
 * GET and HEAD of a collection: one page, in id order or as a query asks, validator-first. The page's tag
 * comes from one KV list (of the documents, or of an index's entries: ids and tags either way), so a 304 reads
 * no document; a 200 reads only the page's members, in bulk reads bounded by bytes.
 */

import type { Context } from 'hono'
import { answerConditionalRead } from '../conditional-response.ts'
import { readConfig } from '../config.ts'
import {
  indexPrefix,
  MISSING,
  queryText,
  sortComponent,
  whereComponent,
} from '../documents/collection-index.ts'
import {
  countWithinBudget,
  nextPageUrl,
  PAGE_BYTE_BUDGET,
  pageByteLength,
  pageETag,
  pageJson,
  readPageQuery,
} from '../documents/collection-page.ts'
import { type IndexQuery, readCollectionQuery } from '../documents/collection-query.ts'
import type { ListedDocument, Listing, LoadedDocument } from '../documents/document.ts'
import type { DocumentStore, ListOptions } from '../documents/document-store.ts'
import type { ResourceRules } from '../documents/resource-rules.ts'
import type { AppEnv } from '../env.ts'
import { HttpError } from '../http/problem.ts'
import { traceOf } from '../observability/request-trace.ts'
import { storeOf } from './context.ts'

/**
 * PageSource is where a page's members are listed from: the resource's documents in id order, or the entries
 * of the index a query asks, with the check each member read must pass to be served.
 */
interface PageSource {
  /** What a cursor is sealed for: the resource, with the query when there is one. */
  readonly scope: string
  /** The query as `next` repeats it; empty for id order. */
  readonly search: string
  readonly list: (options: ListOptions) => Promise<Listing>
  /**
   * Whether a member read still belongs where its entry listed it (an entry may be older than the document):
   * it holds the value the query filters by, and the value it is sorted by is the one its entry was filed under.
   */
  readonly belongs: (member: LoadedDocument, listed: ListedDocument | undefined) => boolean
}

async function pageSourceOf(c: Context<AppEnv>, rules: ResourceRules): Promise<PageSource> {
  const store = storeOf(c)
  const resource = rules.name
  const parameters = [...new URL(c.req.url).searchParams]
  const asked = readCollectionQuery(rules.indexes, parameters)
  if (!asked.ok) throw new HttpError(400, asked.detail)
  const { query } = asked
  if (query === null) {
    return {
      scope: resource,
      search: '',
      list: (options) => store.list(resource, options),
      belongs: () => true,
    }
  }
  const where = query.where === null ? null : await whereComponent(query.where)
  const prefix = indexPrefix(resource, query.index, where, query.direction)
  return {
    scope: `${resource}?${query.search}`,
    search: query.search,
    list: (options) => store.listIndex(prefix, options),
    // A member read with the tag its entry was listed with is the version that entry was written for: it
    // belongs. Only one that changed since is parsed and checked.
    belongs: (member, listed) => listed?.etag === member.etag || stillBelongs(member, listed, query),
  }
}

// stillBelongs reports whether a document that changed since its entry was listed still answers the query:
// it holds the filtered value, and sorts where its entry put it.
function stillBelongs(
  member: LoadedDocument,
  listed: ListedDocument | undefined,
  query: IndexQuery,
): boolean {
  const document = JSON.parse(member.json) as Record<string, unknown>
  const { where, each, sort } = query.index
  if (where !== null) {
    if (!Object.hasOwn(document, where)) return false
    const value = document[where]
    const holds =
      each && Array.isArray(value)
        ? value.some((element) => queryText(element) === query.where)
        : queryText(value) === query.where
    if (!holds) return false
  }
  if (sort !== null && query.direction !== null) {
    const value = Object.hasOwn(document, sort) ? document[sort] : MISSING
    // The spelling of its sort value, less the direction letter the listed prefix ends with.
    if (sortComponent(value, query.direction)?.slice(1) !== listed?.indexed) return false
  }
  return true
}

/**
 * readPage answers a request for a page of a resource: in id order, or as a query asks (`?<member>=<value>`,
 * `?sort=<member>` or `?sort=-<member>`, served by a declared index), `?limit=` (1 to 1000, default 100) and
 * `?cursor=` (from a previous page's `next`); 400 for anything else.
 *
 * @example resource.get('/', (c) => readPage(c, rules))
 */
export async function readPage(c: Context<AppEnv>, rules: ResourceRules): Promise<Response> {
  const source = await pageSourceOf(c, rules)
  const query = await readPageQuery(source.scope, {
    limit: c.req.queries('limit') ?? [],
    cursor: c.req.queries('cursor') ?? [],
  })
  if (!query.ok) throw new HttpError(400, query.detail)
  const { maxBodyBytes } = readConfig(c.env)
  let listing = await source.list(query)
  // Too many bytes for one page: list again, only as many as fit, so that the cursor continues from there.
  const fitting = countWithinBudget(listing.documents, maxBodyBytes)
  if (fitting < listing.documents.length)
    listing = await source.list({ limit: fitting, cursor: query.cursor })
  const listed = listing.documents
  const nextOf = async (cursor: string | null) =>
    cursor === null ? null : nextPageUrl(c.req.path, source.scope, query.limit, cursor, source.search)
  const next = await nextOf(listing.cursor)
  const trace = traceOf(c)
  const validators = { etag: await trace.measure('hash', () => pageETag(listed, next)) }
  // Worked out only when the log line asks: a 200 notes the page it read instead.
  trace.noteRepresentation(() => pageByteLength(listed, next))

  return answerConditionalRead(c.req.raw, {
    validators,
    load: async () => {
      const page = await loadPage(storeOf(c), rules.name, {
        listed,
        next,
        relist: (limit) => source.list({ limit, cursor: query.cursor }),
        nextOf,
        maxBodyBytes,
      })
      const entries = entriesOf(page.members, listed)
      const members = page.members.filter((member, index) => source.belongs(member, entries[index]))
      // KV may have moved on between the list and the read: then the tag is that of what was read.
      const same = page.next === next && sameMembers(members, listed)
      const current = same ? validators : { etag: await pageETag(members, page.next) }
      trace.noteRepresentation(() => pageByteLength(members, page.next))
      return { validators: current, body: pageJson(members, page.next) }
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
  store: DocumentStore,
  resource: string,
  page: {
    readonly listed: readonly ListedDocument[]
    readonly next: string | null
    /** Lists this page again, only its first `limit` members, for the cursor after them. */
    readonly relist: (limit: number) => Promise<Listing>
    readonly nextOf: (cursor: string | null) => Promise<string | null>
    readonly maxBodyBytes: number
  },
): Promise<{ members: readonly LoadedDocument[]; next: string | null }> {
  const { listed, next, maxBodyBytes } = page
  // No document is stored larger than the body limit, unless the listing knows it to be.
  const largestDocument = listed.reduce((largest, { size }) => Math.max(largest, size ?? 0), maxBodyBytes)
  const loaded = await store.load(resource, listed, { budget: PAGE_BYTE_BUDGET, largestDocument })
  const fitting = countWithinBudget(loaded.documents, maxBodyBytes)
  if (loaded.complete && fitting === loaded.documents.length) return { members: loaded.documents, next }

  const kept = loaded.documents.slice(0, fitting)
  const last = kept.at(-1)
  const shorter = await page.relist(Math.max(1, listed.findIndex(({ id }) => id === last?.id) + 1))
  // Only members the shorter listing also names: the cursor continues after its last one.
  const named = new Set(shorter.documents.map(({ id }) => id))
  return { members: kept.filter(({ id }) => named.has(id)), next: await page.nextOf(shorter.cursor) }
}

// entriesOf pairs each member read with the entry it was listed by: members come in listing order, less those
// deleted meanwhile, and one document may be listed twice (an entry of its older version not yet removed).
function entriesOf(
  members: readonly LoadedDocument[],
  listed: readonly ListedDocument[],
): (ListedDocument | undefined)[] {
  let next = 0
  return members.map((member) => {
    while (next < listed.length && listed[next]?.id !== member.id) next++
    return listed[next++]
  })
}

function sameMembers(loaded: readonly LoadedDocument[], listed: readonly ListedDocument[]): boolean {
  return (
    loaded.length === listed.length &&
    loaded.every((member, index) => member.id === listed[index]?.id && member.etag === listed[index]?.etag)
  )
}
