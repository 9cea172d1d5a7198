/**
 * A collection page: a run of a resource's documents in id order, as one canonical JSON document,
 *
 *   {"items":[{"id":"apple","value":{...}},{"id":"pear","value":{...}}],"next":"/api/items?limit=2&cursor=..."}
 *
 * with `next` only when more documents follow. A page is never stored: its bytes are assembled from the
 * documents' stored canonical bytes, and its ETag is computed from the listing alone (ids and tags), so that
 * a 304 reads no document.
 */

import { decodeBase64url, encodeBase64url } from '../http/base64url.ts'
import { contentETag, sha256Base64url } from '../http/content-etag.ts'
import type { ListedDocument, LoadedDocument } from './document.ts'

/** DEFAULT_PAGE_LIMIT is the number of documents a page holds when the request gives no `limit`. */
export const DEFAULT_PAGE_LIMIT = 100

/** MAX_PAGE_LIMIT is the largest `limit` a request may ask for: one KV list call returns at most 1000 keys. */
export const MAX_PAGE_LIMIT = 1000

/**
 * PAGE_BYTE_BUDGET bounds the documents' bytes on one page (8 MiB). A page that would hold more stops short
 * of its limit, and `next` continues from there: the page is read, assembled and sent within a Worker's
 * 128 MB, and its reads stay far under KV's 25 MiB per bulk read. A single document larger than this still
 * makes a page of its own.
 */
export const PAGE_BYTE_BUDGET = 8 * 1_048_576

/** PageQuery is a validated page request: how many documents, from where (a store cursor, or the start). */
export interface PageQuery {
  readonly limit: number
  readonly cursor: string | null
}

/** PageQueryResult is a page request read from a URL's query, or why it cannot be served (a 400). */
export type PageQueryResult =
  | ({ readonly ok: true } & PageQuery)
  | { readonly ok: false; readonly detail: string }

const LIMIT = /^[1-9][0-9]{0,3}$/
// The store's cursor (up to 4096 bytes, far longer than KV's) as base64url, a dot, and a check of 12
// base64url characters (72 bits).
const CURSOR = /^([A-Za-z0-9_-]{1,5462})\.([A-Za-z0-9_-]{12})$/

/**
 * readPageQuery validates the `limit` and `cursor` query parameters (each given at most once): a limit is a
 * whole number from 1 to MAX_PAGE_LIMIT, and a cursor is one this API made for this resource.
 *
 * @example await readPageQuery('tasks', { limit: ['20'], cursor: [] }) // { ok: true, limit: 20, cursor: null }
 */
export async function readPageQuery(
  resource: string,
  query: { readonly limit: readonly string[]; readonly cursor: readonly string[] },
): Promise<PageQueryResult> {
  if (query.limit.length > 1 || query.cursor.length > 1) {
    return { ok: false, detail: 'Give limit and cursor at most once each' }
  }
  const [limitText, cursorText] = [query.limit[0], query.cursor[0]]
  let limit = DEFAULT_PAGE_LIMIT
  if (limitText !== undefined) {
    if (!LIMIT.test(limitText) || Number(limitText) > MAX_PAGE_LIMIT) {
      return { ok: false, detail: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}` }
    }
    limit = Number(limitText)
  }
  if (cursorText === undefined) return { ok: true, limit, cursor: null }
  const cursor = await openCursor(resource, cursorText)
  if (cursor === null) {
    return {
      ok: false,
      detail: `cursor is not one this API gave for ${resource}; follow "next" from the first page`,
    }
  }
  return { ok: true, limit, cursor }
}

async function cursorCheck(resource: string, storeCursor: string): Promise<string> {
  return (await sha256Base64url(`${resource}\n${storeCursor}`)).slice(0, 12)
}

/**
 * sealCursor wraps the store's cursor for a URL. The check it carries lets a mistyped, truncated or foreign
 * cursor be answered 400 instead of reaching KV; it is not a secret, since a cursor grants nothing.
 *
 * @example await sealCursor('tasks', 'AAAAAJ...') // 'QUFBQUFK...Lg.3vK9a0bX2mQp'
 */
export async function sealCursor(resource: string, storeCursor: string): Promise<string> {
  const encoded = encodeBase64url(new TextEncoder().encode(storeCursor))
  return `${encoded}.${await cursorCheck(resource, storeCursor)}`
}

async function openCursor(resource: string, sealed: string): Promise<string | null> {
  const match = CURSOR.exec(sealed)
  const bytes = match?.[1] === undefined ? null : decodeBase64url(match[1])
  if (bytes === null) return null
  let storeCursor: string
  try {
    storeCursor = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return null
  }
  return match?.[2] === (await cursorCheck(resource, storeCursor)) ? storeCursor : null
}

/**
 * nextPageUrl returns the relative URL of the page after this one: the query `search` (if any), the limit,
 * and the store's cursor sealed for `scope` (the resource, or the resource and its query, so that a cursor
 * works only for the listing it came from).
 *
 * @example await nextPageUrl('/api/tasks', 'tasks', 20, 'AAAAAJ...') // '/api/tasks?limit=20&cursor=...'
 * @example await nextPageUrl('/api/tasks', 'tasks?done=false', 20, 'AAAAAJ...', 'done=false')
 * // '/api/tasks?done=false&limit=20&cursor=...'
 */
export async function nextPageUrl(
  path: string,
  scope: string,
  limit: number,
  storeCursor: string,
  search = '',
): Promise<string> {
  const query = search === '' ? '' : `${search}&`
  return `${path}?${query}limit=${limit}&cursor=${await sealCursor(scope, storeCursor)}`
}

/**
 * countWithinBudget returns how many of the listed documents, from the first, fit in PAGE_BYTE_BUDGET (at
 * least one, when any are listed). A document whose size the store does not know counts as `unknownSize`.
 *
 * @example countWithinBudget([{ id: 'a', etag: '"x"', size: 10 }], 1_048_576) // 1
 */
export function countWithinBudget(
  documents: readonly ListedDocument[],
  unknownSize: number,
  budget = PAGE_BYTE_BUDGET,
): number {
  let total = 0
  for (const [index, document] of documents.entries()) {
    total += document.size ?? unknownSize
    if (total > budget) return Math.max(index, 1)
  }
  return documents.length
}

/**
 * pageETag returns a page's strong ETag, computed from its members' ids and tags and its `next` link: the
 * page's bytes are a function of exactly these (each member's tag is the SHA-256 of its bytes), so the tag
 * changes whenever a byte of the page would, and it can be computed from a KV listing without reading any
 * document. Equal data gives an equal tag at every edge. What is hashed is the canonical JSON (RFC 8785) of
 * `{"items":[[id, etag]...],"next":...}`, written directly: ids and tags are ASCII, for which JSON.stringify
 * gives the canonical string, and the member names are in canonical order.
 *
 * @example await pageETag([{ id: 'apple', etag: '"AdN4..."' }], null) // '"..."'
 */
export async function pageETag(
  members: readonly { readonly id: string; readonly etag: string }[],
  next: string | null,
): Promise<string> {
  // One JSON.stringify of the pairs writes `[["apple","\"AdN4...\""],...]`, as pair by pair would, at once.
  const pairs = JSON.stringify(members.map(({ id, etag }) => [id, etag]))
  return contentETag(encoder.encode(`{"items":${pairs},"next":${JSON.stringify(next)}}`))
}

const encoder = new TextEncoder()

// A page is PAGE_OPENING, each member framed by memberOpening and MEMBER_CLOSING, then pageClosing.
const PAGE_OPENING = '{"items":['
const MEMBER_CLOSING = '}'
const memberOpening = (index: number, id: string) =>
  `${index === 0 ? '' : ','}{"id":${JSON.stringify(id)},"value":`
// The bytes framing each member, its id's JSON and the comma before it aside: the first member's opening with an
// empty id, less that id's `""`, and the closing.
const MEMBER_FRAME = memberOpening(0, '').length - '""'.length + MEMBER_CLOSING.length
const pageClosing = (next: string | null) => (next === null ? ']}' : `],"next":${JSON.stringify(next)}}`)

/**
 * pageJson assembles a page from its members' stored canonical JSON. Each member is already canonical and
 * the wrapper's member names ("id" < "value", "items" < "next") are in canonical order, so the result is
 * canonical JSON with no parse and no re-serialisation.
 *
 * @example pageJson([{ id: 'a', etag: '"x"', json: '{"n":1}' }], null) // '{"items":[{"id":"a","value":{"n":1}}]}'
 */
export function pageJson(members: readonly LoadedDocument[], next: string | null): string {
  let page = PAGE_OPENING
  members.forEach((member, index) => {
    page += memberOpening(index, member.id) + member.json + MEMBER_CLOSING
  })
  return page + pageClosing(next)
}

/**
 * pageByteLength returns the length in bytes of the page pageJson would give of these listed members, without reading
 * them (what a 304 spared the client), or null when a member's size is unknown.
 *
 * @example pageByteLength([{ id: 'a', etag: '"x"', size: 7 }], null) // 36
 */
export function pageByteLength(members: readonly ListedDocument[], next: string | null): number | null {
  let length = utf8Length(PAGE_OPENING) + utf8Length(pageClosing(next))
  if (members.length === 0) return length
  for (const { size } of members) {
    if (size === null) return null
    length += size
  }
  // Every member but the first opens with a comma; each is framed by MEMBER_FRAME and its id in JSON. The ids'
  // JSON is measured at once: `["a","b"]` is the ids' JSON, the commas between them and two brackets.
  const ids = utf8Length(JSON.stringify(members.map(({ id }) => id))) - (members.length - 1) - 2
  return length + (members.length - 1) + members.length * MEMBER_FRAME + ids
}

/**
 * utf8Length returns the length in bytes of a string's UTF-8 encoding without encoding it: a 304 of a page
 * asks it once per member.
 *
 * @example utf8Length('caf\u00e9') // 5
 */
export function utf8Length(text: string): number {
  let length = text.length
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index)
    if (unit >= 0x80) length += unit >= 0x800 && (unit < 0xd800 || unit > 0xdfff) ? 2 : 1
  }
  return length
}
