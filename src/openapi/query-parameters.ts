/**
 * The query parameters of a resource's pages, from its declared indexes (src/documents/collection-index.ts):
 * one per `where` member, and `sort` with the values the declared sorts allow. A resource that declares no
 * index gets none: its pages take only `limit` and `cursor`, and anything else is a 400.
 */

import type { CollectionIndex } from '../documents/collection-index.ts'
import { describeQueries } from '../documents/collection-query.ts'

/** QueryParameter is an OpenAPI parameter object in the query. */
export interface QueryParameter {
  readonly name: string
  readonly in: 'query'
  readonly required: false
  readonly description: string
  readonly schema: { readonly type: 'string'; readonly enum?: readonly string[] }
}

// How a query compares: the text of a value (src/documents/collection-index.ts, queryText).
const VALUE_TEXT = 'a string member as it is, any other value as its JSON (`false`, `3`, `null`)'

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)]

// Where a parameter is served: alone, or beside another (`beside` returns null for an index serving it alone).
function servedWith(indexes: readonly CollectionIndex[], beside: (index: CollectionIndex) => string | null) {
  return unique(indexes.map((index) => beside(index) ?? 'alone'))
    .map((other) => (other === 'alone' ? other : `with ${other}`))
    .join(', or ')
}

function whereParameter(member: string, indexes: readonly CollectionIndex[]): QueryParameter {
  const serving = indexes.filter((index) => index.where === member)
  const matching = (each: boolean) =>
    each
      ? `whose array \`${member}\` has an element equal to the value`
      : `whose \`${member}\` equals the value`
  const combination = (index: CollectionIndex) =>
    index.sort === null ? `?${member}=<value>` : `?${member}=<value>&sort=${index.sort} (or -${index.sort})`
  const kinds = unique(serving.map((index) => index.each))
  // One index may look into the array and another compare it whole: then each combination says which.
  const matches =
    kinds.length === 1
      ? `Only documents ${matching(kinds[0] === true)}.`
      : `Only documents ${serving.map((index) => `${matching(index.each)} (${combination(index)})`).join('; or ')}.`
  const served = servedWith(serving, (index) =>
    index.sort === null ? null : `sort=${index.sort} or sort=-${index.sort}`,
  )
  return {
    name: member,
    in: 'query',
    required: false,
    description: `${matches} The value is compared with ${VALUE_TEXT}. Served ${served}.`,
    schema: { type: 'string' },
  }
}

function sortParameter(members: readonly string[], indexes: readonly CollectionIndex[]): QueryParameter {
  const served = members
    .map((member) => {
      const serving = indexes.filter((index) => index.sort === member)
      const beside = servedWith(serving, (index) => (index.where === null ? null : `${index.where}=<value>`))
      return `sort=${member} (or -${member}) ${beside}`
    })
    .join('; ')
  return {
    name: 'sort',
    in: 'query',
    required: false,
    description:
      'Orders the page by a member: `<member>` ascending, `-<member>` descending. Values of different types ' +
      'order as null, false, true, numbers, strings (reversed by `-`); documents without the member come last ' +
      `either way, and ties are in id order. Served: ${served}.`,
    schema: { type: 'string', enum: members.flatMap((member) => [member, `-${member}`]) },
  }
}

/**
 * queryParametersOf returns the query parameters a resource's indexes serve, besides `limit` and `cursor`:
 * each `where` member, and `sort` when any index sorts; none for a resource without indexes.
 *
 * @example queryParametersOf(defineIndexes([{ where: 'done', sort: 'due' }])).map((p) => p.name) // ['done', 'sort']
 */
export function queryParametersOf(indexes: readonly CollectionIndex[]): QueryParameter[] {
  const wheres = unique(indexes.flatMap((index) => (index.where === null ? [] : [index.where])))
  const sorts = unique(indexes.flatMap((index) => (index.sort === null ? [] : [index.sort])))
  return [
    ...wheres.map((member) => whereParameter(member, indexes)),
    ...(sorts.length === 0 ? [] : [sortParameter(sorts, indexes)]),
  ]
}

/**
 * pageQueryDescription returns what a page operation says of its query: the combinations its indexes serve,
 * and that any other query parameter is a 400.
 *
 * @example pageQueryDescription([]) // 'Pages are in id order and take limit and cursor only: ...'
 */
export function pageQueryDescription(indexes: readonly CollectionIndex[]): string {
  if (indexes.length === 0) {
    return 'Pages are in id order and take limit and cursor only: the resource declares no index, so any other query parameter is a 400.'
  }
  return (
    `Pages are in id order unless a query asks otherwise; the queries served, each by a declared index and each ` +
    `with limit and cursor, are ${describeQueries(indexes)}. Any other query parameter, one given twice, or a ` +
    'combination no index serves (two members at once, say) is a 400 naming these.'
  )
}
