/**
 * The query of a collection's pages, as the client asks it: a filter (`where`), a sort and a page size, written
 * into the first page's URL. The server serves only the queries its resource declares an index for, and answers
 * any other with a 400 naming those it serves; the client sends what it is given and lets the server decide.
 */

/** WhereValue is what a filter may ask a member to equal (or, for an array member, to contain). */
export type WhereValue = string | number | boolean

/**
 * PageQuery is what pages() and list() take: `where` maps a member to the value it must equal (an array member:
 * contain; a member given as undefined is left out), `sort` names a member to order by, `-` first for
 * descending, and `limit` is the page size (1 to 1000; the server's default is 100).
 *
 * @example const open: PageQuery<Task> = { where: { done: false }, sort: '-due', limit: 20 }
 */
export interface PageQuery<T> {
  readonly where?: { readonly [Member in keyof T & string]?: WhereValue | undefined }
  readonly sort?: `${keyof T & string}` | `-${keyof T & string}`
  readonly limit?: number
}

/**
 * firstPageUrl returns the URL of a query's first page: each `where` member as a parameter (a string as it
 * is, a number or boolean as its JSON, as the server compares them), then `sort`, then `limit`. Each following
 * page's URL comes from the server's `next`, which repeats the query. It throws a TypeError for a number JSON
 * cannot write (NaN, Infinity), which no document can hold.
 *
 * @example firstPageUrl('https://api.example/api/tasks', { where: { done: false }, sort: 'due', limit: 20 })
 * // 'https://api.example/api/tasks?done=false&sort=due&limit=20'
 */
export function firstPageUrl<T>(collectionUrl: string, query: PageQuery<T> = {}): string {
  const url = new URL(collectionUrl)
  for (const [member, value] of Object.entries(query.where ?? {}) as [string, WhereValue | undefined][]) {
    if (value === undefined) continue
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError(`where.${member} is ${value}, which no JSON document holds (GET ${collectionUrl})`)
    url.searchParams.append(member, typeof value === 'string' ? value : JSON.stringify(value))
  }
  if (query.sort !== undefined) url.searchParams.append('sort', query.sort)
  if (query.limit !== undefined) url.searchParams.append('limit', String(query.limit))
  return url.href
}
