/**
 * The resources with indexes the benchmarks declare (bench/bench-worker.ts) and measure (bench/compare.ts,
 * bench/write-load.ts): task-like collections queried by a declared index, and the same documents written to
 * resources declaring none, two and four indexes. Plain data, shared by the worker and the driver.
 */

import type { IndexDeclaration } from '../src/documents/collection-index.ts'

/** TASK_INDEXES are the demo's tasks indexes (src/resources/tasks.ts): a document has 5 entries, plus one per tag. */
export const TASK_INDEXES: readonly IndexDeclaration[] = [
  { where: 'done' },
  { where: 'tags', each: true },
  { sort: 'due' },
  { where: 'done', sort: 'due' },
]

/** QUERY is the query of the query-page rows: open tasks, soonest due first, one page of 100. */
export const QUERY = 'done=false&sort=due'

/**
 * QUERY_COLLECTIONS are the query-page rows' resources: `stored` task-like documents of 1 KB, every
 * `doneEvery`-th of them done (0: none), with the entries of TASK_INDEXES. Names of one length, as the
 * id-order pages' are (see PAGES in bench/compare.ts).
 */
export const QUERY_COLLECTIONS = [
  { resource: 'query-100', stored: 100, doneEvery: 0 },
  { resource: 'query-10k', stored: 10_000, doneEvery: 2 },
] as const

/** INDEXED_WRITES are the write rows' resources: the same documents, under no index, two and four. */
export const INDEXED_WRITES: readonly { resource: string; indexes: readonly IndexDeclaration[] }[] = [
  { resource: 'indexed-0', indexes: [] },
  { resource: 'indexed-2', indexes: [{ where: 'done' }, { sort: 'due' }] },
  { resource: 'indexed-4', indexes: TASK_INDEXES },
]
