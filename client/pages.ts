/**
 * Collection pages: each page is read conditionally and held by its URL with its ETag, so walking a collection
 * (or a query of it) again costs a 304 per unchanged page; the walk follows each page's `next` (or its Link
 * rel="next"), which repeats the query.
 */

import { firstPageUrl, type PageQuery } from './collection-query.ts'
import { ACCEPT_JSON } from './document-reads.ts'
import type { HttpSession, Received } from './http-session.ts'
import type { Page, PageItem } from './types.ts'

/** PageBody is a page as the server sends it. */
interface PageBody<T> {
  readonly items: readonly PageItem<T>[]
  readonly next?: string | null
}

/**
 * walkPages yields the pages of the collection at `collectionUrl` that answer `query`, in order, from the first
 * to the one without a next page: in id order, or as the query filters and sorts (see PageQuery).
 *
 * @example for await (const page of walkPages<Task>(session, tasksUrl, { where: { done: false } })) count++
 */
export async function* walkPages<T>(
  session: HttpSession,
  collectionUrl: string,
  query: PageQuery<T> = {},
): AsyncGenerator<Page<T>, void, undefined> {
  let url: string | null = firstPageUrl(collectionUrl, query)
  while (url !== null) {
    const page: Page<T> = await readPage<T>(session, url)
    yield page
    url = page.next
  }
}

/**
 * readPage returns one page: from the store on a 304, from the body on a 200. A page has no Last-Modified, so
 * nothing orders two versions of it, and a lagging edge's page is taken as it is.
 *
 * @example const page = await readPage<Task>(session, 'https://api.example/api/tasks?limit=2')
 */
export async function readPage<T>(session: HttpSession, url: string): Promise<Page<T>> {
  const held = await session.store.get(url)
  const headers: Record<string, string> = { ...ACCEPT_JSON }
  if (held?.body != null && held.etag !== null) headers['If-None-Match'] = held.etag
  const received = await session.send({ method: 'GET', url, headers })
  if (received.status === 304 && held?.body != null) {
    const page = pageOf<T>(url, held.body, held.etag, null, true)
    session.report(received, 'hit', { bytesSaved: new TextEncoder().encode(held.body).byteLength })
    return page
  }
  if (received.status !== 200) throw session.fail(received)
  const page = pageOf<T>(url, received.text, received.headers.get('ETag'), linkNext(received), false)
  await session.store.set(url, { etag: page.etag, lastModified: null, body: received.text })
  session.report(received, 'miss')
  return page
}

function pageOf<T>(
  url: string,
  text: string,
  etag: string | null,
  link: string | null,
  fromCache: boolean,
): Page<T> {
  const body = JSON.parse(text) as PageBody<T>
  const next = body.next ?? link
  return {
    items: body.items,
    next: next == null ? null : new URL(next, url).href,
    etag: etag ?? '',
    fromCache,
  }
}

// RFC 8288: Link: <url>; rel="next". The body's `next` says the same; this is for a server that sends only one.
function linkNext(received: Received): string | null {
  const link = received.headers.get('Link')
  if (link === null) return null
  for (const value of link.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(value)
    if (match?.[1] !== undefined && /(^|;)\s*rel\s*=\s*"?next"?\s*(;|$)/i.test(match[2] ?? ''))
      return match[1]
  }
  return null
}
