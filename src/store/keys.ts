/**
 * The KV key layout, apart from the store so that tools (the demo seeder, the benchmarks) can share it
 * without the Workers runtime types.
 *
 * A document is stored under `<resource>:<id>`. Resource names cannot contain ":", so listing by a
 * resource's prefix yields exactly its documents, in id order.
 */

/**
 * resourcePrefix returns the prefix of every key of a resource's documents.
 *
 * @example resourcePrefix('tasks') // 'tasks:'
 */
export function resourcePrefix(resource: string): string {
  return `${resource}:`
}

/**
 * documentKey returns the KV key of a document.
 *
 * @example documentKey('items', 'apple') // 'items:apple'
 */
export function documentKey(resource: string, id: string): string {
  return `${resourcePrefix(resource)}${id}`
}

/** DocumentMetadata is what KV keeps beside a document's bytes, and returns with every listed key. */
export interface DocumentMetadata {
  readonly etag: string
  readonly lastModified: string
  /** Length of the canonical bytes, so that a page can bound its reads before making them. */
  readonly size: number
}

/**
 * ORIGIN_RECORD_PREFIX prefixes the keys of origin mode's records (src/origin/origin-record.ts). A resource
 * name starts with a letter, so no resource's listing ever includes them.
 */
export const ORIGIN_RECORD_PREFIX = '~origin:'

/**
 * originRecordKey returns the KV key of a URL's record, named by the URL's digest: a URL may be far longer
 * than KV's 512-byte keys.
 *
 * @example originRecordKey('K2b3...') // '~origin:K2b3...'
 */
export function originRecordKey(urlDigest: string): string {
  return `${ORIGIN_RECORD_PREFIX}${urlDigest}`
}
