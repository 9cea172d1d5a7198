/**
 * The KV key layout, apart from the store so that tools (the demo seeder) can share it without the
 * Workers runtime types.
 */

/** ITEM_PREFIX begins every item key; listing by it yields the items in id order. */
export const ITEM_PREFIX = 'item:'

/** COLLECTION_KEY holds the collection's validator record. */
export const COLLECTION_KEY = 'collection'

/**
 * itemKey returns the KV key of an item.
 *
 * @example itemKey('apple') // 'item:apple'
 */
export function itemKey(id: string): string {
  return `${ITEM_PREFIX}${id}`
}
