/**
 * The questions a page may ask of a collection: `?<member>=<value>` and `?sort=<member>` or `?sort=-<member>`,
 * each served by a declared index (./collection-index.ts), besides `limit` and `cursor`. A query no declared
 * index serves is refused, naming the queries that are: a parameter is never silently ignored (`?don=false`
 * answering every document would be a bug).
 *
 * Pure: no framework, no storage.
 */

import type { CollectionIndex, SortDirection } from './collection-index.ts'

/** IndexQuery is a query a declared index serves: its filter's text, its direction, and how it is written. */
export interface IndexQuery {
  readonly index: CollectionIndex
  /** The value a `where` member must equal (or contain), as query text; null when the query only sorts. */
  readonly where: string | null
  /** The direction of a sort; null when the query only filters (then documents come in id order). */
  readonly direction: SortDirection | null
  /** The query's parameters in one spelling (`done=false&sort=-due`), for `next` and its cursor's seal. */
  readonly search: string
}

/** CollectionQueryResult is the filter and sort of a page request: none (id order), one, or why not (a 400). */
export type CollectionQueryResult =
  | { readonly ok: true; readonly query: IndexQuery | null }
  | { readonly ok: false; readonly detail: string }

const PAGE_PARAMETERS = ['limit', 'cursor']

/**
 * describeQueries lists, for messages and documentation, the queries a resource's indexes serve.
 *
 * @example describeQueries(indexes) // '?done=<value>; ?sort=due or ?sort=-due'
 */
export function describeQueries(indexes: readonly CollectionIndex[]): string {
  if (indexes.length === 0) return 'no query (it declares no index)'
  return indexes
    .map(({ where, each, sort }) => {
      const filter = where === null ? null : `${where}=<value>`
      const sorts = sort === null ? [null] : [`sort=${sort}`, `sort=-${sort}`]
      const spelled = sorts
        .map((part) => `?${[filter, part].filter((each) => each !== null).join('&')}`)
        .join(' or ')
      return each ? `${spelled} (${where} contains the value)` : spelled
    })
    .join('; ')
}

/**
 * readCollectionQuery reads the filter and sort of a page request from its query parameters: each given at
 * most once, every name one the resource's indexes serve, and together a query one declared index serves.
 *
 * @example readCollectionQuery(indexes, [['done', 'false'], ['sort', 'due']]) // { ok: true, query: {...} }
 * @example readCollectionQuery(indexes, [['don', 'false']]) // { ok: false, detail: '...' }
 */
export function readCollectionQuery(
  indexes: readonly CollectionIndex[],
  parameters: readonly (readonly [string, string])[],
): CollectionQueryResult {
  const refuse = (why: string): CollectionQueryResult => ({
    ok: false,
    detail: `${why}; this resource's pages take ${describeQueries(indexes)}, each with limit and cursor`,
  })
  const seen = new Set<string>()
  for (const [name] of parameters) {
    if (seen.has(name)) return refuse(`Give ${JSON.stringify(name)} at most once`)
    seen.add(name)
  }
  const wheres = parameters.filter(([name]) => name !== 'sort' && !PAGE_PARAMETERS.includes(name))
  const sortText = parameters.find(([name]) => name === 'sort')?.[1] ?? null
  for (const [name] of wheres) {
    if (!indexes.some((index) => index.where === name)) {
      return refuse(`${JSON.stringify(name)} is not a query parameter of this resource`)
    }
  }
  const sort = sortText === null ? null : /^(-?)([A-Za-z_][A-Za-z0-9_]{0,31})$/.exec(sortText)
  if (sortText !== null && (sort === null || !indexes.some((index) => index.sort === sort[2]))) {
    return refuse(`sort=${sortText.slice(0, 64)} is not a sort this resource supports`)
  }
  if (wheres.length === 0 && sort === null) return { ok: true, query: null }
  const [where] = wheres
  const sortMember = sort?.[2] ?? null
  const index = indexes.find(
    (candidate) => candidate.where === (where?.[0] ?? null) && candidate.sort === sortMember,
  )
  if (wheres.length > 1 || index === undefined) {
    const asked = [
      ...wheres.map(([name]) => `${name}=...`),
      ...(sortText === null ? [] : [`sort=${sortText}`]),
    ]
    return refuse(`No declared index serves ?${asked.join('&')}`)
  }
  const direction: SortDirection | null = sort === null ? null : sort[1] === '-' ? 'd' : 'a'
  const search = new URLSearchParams([
    ...(where === undefined ? [] : [[where[0], where[1]]]),
    ...(sortText === null ? [] : [['sort', sortText]]),
  ]).toString()
  return { ok: true, query: { index, where: where?.[1] ?? null, direction, search } }
}
