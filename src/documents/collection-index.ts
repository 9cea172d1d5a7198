/**
 * Declared indexes of a collection, and the KV keys of their entries. An index answers one kind of question:
 * documents whose member equals a value (`where`), or whose array member contains it (`where` with `each`),
 * ordered by id; documents ordered by a member (`sort`), both ways; or both at once. Each entry is a KV key
 * that sorts where its document belongs, so a query page is one KV list by prefix:
 *
 *   ~i:<resource>:<index>:[<where hash>:][<a|d><sort value>:]<id>
 *
 * with the document's `{etag, size}` as the entry's metadata, so that a query page's tag (and its 304) needs
 * nothing but that listing. The id is last and holds no ":", so a listed key always gives its document back.
 * Keys order as their values do (FoundationDB's tuple layer is the model): a type code, then an
 * order-preserving spelling of the value, for each direction.
 *
 * Pure: Web Crypto's SHA-256 only.
 */

import { canonicalJson } from '../http/canonical-json.ts'
import { sha256Base64url } from '../http/content-etag.ts'

/** IndexDeclaration is what a resource declares: `where` a member equals (or, with `each`, contains) a value, `sort` by a member. */
export interface IndexDeclaration {
  /** A top-level member a query may ask to equal a value: `?<where>=<value>`. */
  readonly where?: string
  /** The `where` member is an array, and the query asks that it contain the value. */
  readonly each?: boolean
  /** A top-level member a query may order by: `?sort=<sort>` and `?sort=-<sort>`. */
  readonly sort?: string
}

/** CollectionIndex is a declared index, checked and named. */
export interface CollectionIndex {
  /** Names the index in its keys: `where-<member>`, `sort-<member>`, or both joined by `+`. */
  readonly name: string
  readonly where: string | null
  readonly each: boolean
  readonly sort: string | null
}

/** INDEX_KEY_PREFIX prefixes every index entry; a resource's name starts with a letter, so no listing of documents includes one. */
export const INDEX_KEY_PREFIX = '~i:'

/**
 * MAX_WHERE_VALUE_BYTES bounds a value a `where` index files a document under (its canonical JSON text,
 * strings without quotes). Its key holds a digest of it, so any length would fit; the bound keeps what a
 * query compares small.
 */
export const MAX_WHERE_VALUE_BYTES = 256

/**
 * MAX_SORT_VALUE_BYTES bounds a value documents are sorted by: it is spelled out in the key (twice its length
 * at worst), and a KV key holds at most 512 bytes, which the longest resource name, index name and id leave
 * room for at 100.
 */
export const MAX_SORT_VALUE_BYTES = 100

/** RESERVED_QUERY_NAMES are query parameters of every page, which no member may be queried as. */
export const RESERVED_QUERY_NAMES: readonly string[] = ['limit', 'cursor', 'sort']

const MEMBER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/

/**
 * defineIndexes checks a resource's index declarations and names them. It throws at startup, not at request
 * time, for a member name that is not a plain name (or is reserved), an index that neither filters nor sorts,
 * `each` without `where`, or the same index declared twice.
 *
 * @example defineIndexes([{ where: 'done' }, { sort: 'due' }]).map((index) => index.name) // ['where-done', 'sort-due']
 */
export function defineIndexes(declarations: readonly IndexDeclaration[]): CollectionIndex[] {
  const indexes: CollectionIndex[] = []
  for (const { where, each = false, sort } of declarations) {
    for (const member of [where, sort]) {
      if (member !== undefined && (!MEMBER_NAME.test(member) || RESERVED_QUERY_NAMES.includes(member))) {
        throw new Error(
          `Index member ${JSON.stringify(member)} is invalid: use a top-level member name of letters, digits and "_" (not limit, cursor or sort)`,
        )
      }
    }
    if (where === undefined && sort === undefined) throw new Error('An index needs `where`, `sort` or both')
    if (each && where === undefined) throw new Error('`each` needs `where`: the array member to look into')
    const name = [where === undefined ? null : `where-${where}`, sort === undefined ? null : `sort-${sort}`]
      .filter((part) => part !== null)
      .join('+')
    if (indexes.some((index) => index.name === name)) throw new Error(`Index ${name} is declared twice`)
    indexes.push({ name, where: where ?? null, each, sort: sort ?? null })
  }
  return indexes
}

/**
 * queryText returns the text a query value is compared with: a value's canonical JSON, a string without its
 * quotes, so that `?done=false` matches `false` and `?tags=home` matches `"home"`.
 *
 * @example queryText(false) // 'false'
 * @example queryText('home') // 'home'
 */
export function queryText(value: unknown): string {
  return typeof value === 'string' ? value : canonicalJson(value)
}

const encoder = new TextEncoder()

/**
 * whereComponent returns the key component of a `where` value: a digest of its query text, so that any value
 * fits a key at a fixed length (equality needs no order).
 *
 * @example await whereComponent('false') // 'fCEZyh4...' (22 characters)
 */
export async function whereComponent(text: string): Promise<string> {
  return (await sha256Base64url(text)).slice(0, 22)
}

/** SortDirection: `a` ascending, `d` descending. */
export type SortDirection = 'a' | 'd'

// Type codes, in the order a sort puts them; a document without the member comes last both ways.
const ASCENDING_TYPES = { null: '1', false: '2', true: '3', number: '4', string: '5', missing: '9' } as const
const DESCENDING_TYPES = { string: '1', number: '2', true: '3', false: '4', null: '5', missing: '9' } as const

// A double's bits, as a big-endian unsigned integer that sorts as the number does: positive numbers with the
// sign bit set, negative ones with every bit flipped (-0 is 0, as canonical JSON writes it).
function orderedBits(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value === 0 ? 0 : value)
  const bits = view.getBigUint64(0)
  return bits >> 63n === 1n ? ~bits & 0xffff_ffff_ffff_ffffn : bits | (1n << 63n)
}

const hex16 = (bits: bigint) => bits.toString(16).padStart(16, '0')

// Ascending strings keep their characters (UTF-8 order is code point order) and end with " ", which sorts
// before anything else the spelling holds: a character up to "!" is escaped as "!" and a letter above it.
function ascendingString(text: string): string {
  let spelled = ''
  for (const char of text) {
    const code = char.codePointAt(0) as number
    spelled += code <= 0x21 ? `!${String.fromCharCode(0x40 + code)}` : char
  }
  return `${spelled} `
}

// Descending strings are their UTF-8 bytes flipped, in hex, ending with "~", which sorts after every hex digit:
// a longer string with the same start comes first, as it should in descending order.
function descendingString(text: string): string {
  return `${Array.from(encoder.encode(text), (byte) => (255 - byte).toString(16).padStart(2, '0')).join('')}~`
}

/** MISSING stands for a member a document does not have. */
export const MISSING: unique symbol = Symbol('missing')

/**
 * sortComponent returns the key component that sorts a member's value in one direction, with its direction
 * letter first, or null for a value no order is defined on (an object or an array).
 *
 * @example sortComponent('2026-12-31', 'a') // 'a52026-12-31 '
 * @example sortComponent(MISSING, 'd') // 'd9'
 */
export function sortComponent(value: unknown, direction: SortDirection): string | null {
  const types = direction === 'a' ? ASCENDING_TYPES : DESCENDING_TYPES
  if (value === MISSING) return `${direction}${types.missing}`
  if (value === null) return `${direction}${types.null}`
  if (value === true) return `${direction}${types.true}`
  if (value === false) return `${direction}${types.false}`
  if (typeof value === 'number') {
    const bits = orderedBits(value)
    return `${direction}${types.number}${hex16(direction === 'a' ? bits : ~bits & 0xffff_ffff_ffff_ffffn)}`
  }
  if (typeof value === 'string') {
    return `${direction}${types.string}${direction === 'a' ? ascendingString(value) : descendingString(value)}`
  }
  return null
}

/**
 * indexPrefix returns the prefix of an index's keys for one query: the `where` component when the query
 * filters, the direction when it sorts.
 *
 * @example indexPrefix('tasks', index, 'fCEZyh4...', null) // '~i:tasks:where-done:fCEZyh4...:'
 */
export function indexPrefix(
  resource: string,
  index: CollectionIndex,
  where: string | null,
  direction: SortDirection | null,
): string {
  return `${INDEX_KEY_PREFIX}${resource}:${index.name}:${where === null ? '' : `${where}:`}${direction ?? ''}`
}

/**
 * idOfIndexKey returns the document id an index entry names: what follows its last ":".
 *
 * @example idOfIndexKey('~i:tasks:sort-due:a52026-12-31 :t1') // 't1'
 */
export function idOfIndexKey(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1)
}

/** IndexProblem is why a document cannot be indexed: where (a JSON Pointer) and what. */
export interface IndexProblem {
  readonly pointer: string
  readonly detail: string
}

function memberOf(document: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(document, name) ? document[name] : MISSING
}

// The values a `where` index files a document under: the member's, or each of its elements with `each`.
function whereValues(document: Record<string, unknown>, index: CollectionIndex): unknown[] {
  const value = memberOf(document, index.where as string)
  if (value === MISSING) return []
  if (index.each && Array.isArray(value)) return value
  return [value]
}

/**
 * indexProblems returns why a document cannot be indexed by `indexes`: a `where` value longer than
 * MAX_WHERE_VALUE_BYTES, a sort value longer than MAX_SORT_VALUE_BYTES, or a sorted member that is an object
 * or an array. Empty when it can be.
 *
 * @example indexProblems({ due: 'x'.repeat(200) }, indexes) // [{ pointer: '/due', detail: '...' }]
 */
export function indexProblems(
  document: Record<string, unknown>,
  indexes: readonly CollectionIndex[],
): IndexProblem[] {
  const problems = new Map<string, string>()
  for (const index of indexes) {
    if (index.where !== null) {
      const member = memberOf(document, index.where)
      whereValues(document, index).forEach((value, position) => {
        if (encoder.encode(queryText(value)).byteLength > MAX_WHERE_VALUE_BYTES) {
          const pointer =
            index.each && Array.isArray(member) ? `/${index.where}/${position}` : `/${index.where}`
          problems.set(pointer, `An indexed value is at most ${MAX_WHERE_VALUE_BYTES} bytes`)
        }
      })
    }
    if (index.sort !== null) {
      const value = memberOf(document, index.sort)
      if (value !== MISSING && sortComponent(value, 'a') === null) {
        problems.set(
          `/${index.sort}`,
          'A member documents are sorted by must be a string, a number, true, false or null',
        )
      } else if (value !== MISSING && encoder.encode(queryText(value)).byteLength > MAX_SORT_VALUE_BYTES) {
        problems.set(
          `/${index.sort}`,
          `A value documents are sorted by is at most ${MAX_SORT_VALUE_BYTES} bytes`,
        )
      }
    }
  }
  return [...problems].map(([pointer, detail]) => ({ pointer, detail }))
}

/**
 * indexKeysOf returns the keys of every index entry of a document: one per `where` value (each element, with
 * `each`), two per sort (one each way). Assumes indexProblems found none.
 *
 * @example await indexKeysOf('tasks', 't1', { done: false }, indexes) // ['~i:tasks:where-done:fCEZ...:t1']
 */
export async function indexKeysOf(
  resource: string,
  id: string,
  document: Record<string, unknown>,
  indexes: readonly CollectionIndex[],
): Promise<string[]> {
  const keys = new Set<string>()
  for (const index of indexes) {
    const wheres =
      index.where === null
        ? [null]
        : await Promise.all([...new Set(whereValues(document, index).map(queryText))].map(whereComponent))
    const sorts =
      index.sort === null
        ? [null]
        : (['a', 'd'] as const).map((direction) =>
            sortComponent(memberOf(document, index.sort as string), direction),
          )
    for (const where of wheres) {
      for (const sort of sorts) {
        if (index.sort !== null && sort === null) continue
        keys.add(
          `${INDEX_KEY_PREFIX}${resource}:${index.name}:${where === null ? '' : `${where}:`}${sort === null ? '' : `${sort}:`}${id}`,
        )
      }
    }
  }
  return [...keys]
}
