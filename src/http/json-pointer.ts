/**
 * JSON Pointer, RFC 6901: a string that names one value inside a JSON document, such as `/tags/3`.
 *
 * Pure: no framework.
 */

/**
 * formatJsonPointer returns the pointer for a path of member names and array indexes. `~` and `/` inside a
 * name are escaped as `~0` and `~1` (RFC 6901 section 3); the empty path is the whole document, `""`.
 *
 * @example formatJsonPointer(['tags', 3])  // '/tags/3'
 * @example formatJsonPointer(['a/b', 'm~n']) // '/a~1b/m~0n'
 */
export function formatJsonPointer(path: readonly (string | number)[]): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
}
