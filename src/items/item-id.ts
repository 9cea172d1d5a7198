/**
 * Item ids: 1 to 128 URL-safe characters (RFC 3986 unreserved), so an id needs no escaping in a path,
 * and KV's byte order of keys is also the UTF-16 order that canonical JSON sorts by.
 */

const ITEM_ID = /^[A-Za-z0-9._~-]{1,128}$/

/**
 * isItemId reports whether a string is a valid item id.
 *
 * @example isItemId('apple-2') // true
 * @example isItemId('a/b')     // false
 */
export function isItemId(value: string): boolean {
  return ITEM_ID.test(value)
}
