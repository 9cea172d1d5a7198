/**
 * Names: a resource's name and a document's id. Both are plain ASCII, so they need no escaping in a path or
 * a KV key, and KV's byte order of keys is also the UTF-16 order that canonical JSON sorts by.
 */

/**
 * DOCUMENT_ID_PATTERN is the pattern every document id matches, as a JSON Schema `pattern` states it. `.` and
 * `..` are refused: they can be sent (as `%2e`), but every client that normalises paths (browsers, curl, the
 * URL class) turns `/api/items/..` into `/api`, so such a document could never be read or deleted again.
 */
export const DOCUMENT_ID_PATTERN = '^(?!\\.\\.?$)[A-Za-z0-9._~-]{1,128}$'
const DOCUMENT_ID = new RegExp(DOCUMENT_ID_PATTERN)
const RESOURCE_NAME = /^[a-z][a-z0-9-]{0,62}$/

/** DOCUMENT_ID_RULE says in words what isDocumentId accepts, for error messages. */
export const DOCUMENT_ID_RULE =
  'an id is 1 to 128 characters from A-Z, a-z, 0-9 and "._~-", and not "." or ".." (dot segments)'

/**
 * isDocumentId reports whether a string is a valid document id: 1 to 128 URL-safe characters (the
 * unreserved set of RFC 3986), other than the dot segments `.` and `..` (RFC 3986 section 5.2.4).
 *
 * @example isDocumentId('apple-2') // true
 * @example isDocumentId('a/b')     // false
 * @example isDocumentId('..')      // false
 */
export function isDocumentId(value: string): boolean {
  return DOCUMENT_ID.test(value)
}

/**
 * isResourceName reports whether a string may name a resource: a lowercase letter, then up to 62 lowercase
 * letters, digits and hyphens. The name prefixes its documents' KV keys and names their writer objects.
 *
 * @example isResourceName('tasks')    // true
 * @example isResourceName('Tasks:v2') // false
 */
export function isResourceName(value: string): boolean {
  return RESOURCE_NAME.test(value)
}
