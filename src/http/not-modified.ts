/**
 * The 304 (Not Modified) response, RFC 9110 section 15.4.5.
 *
 * Pure: builds a standard Response from the headers the 200 would have carried.
 */

/**
 * RETAINED_304_HEADERS are the fields a 304 keeps from the 200 it stands for: those RFC 9110 section 15.4.5
 * says the server MUST send (Content-Location, Date, ETag, Vary, Cache-Control, Expires), and Last-Modified
 * when there is no ETag, the one case where that section finds it useful for guiding a cache's update.
 */
export const RETAINED_304_HEADERS = [
  'Cache-Control',
  'Content-Location',
  'Date',
  'ETag',
  'Expires',
  'Last-Modified',
  'Vary',
] as const

/**
 * notModified returns a bodiless 304 carrying only the retained fields of `headers` (a Headers, or a record
 * of fields named as RETAINED_304_HEADERS spells them, or in lower case). Content-Type, Content-Length and
 * Content-Encoding describe a body that is not sent, so they are dropped (a cache would otherwise merge them
 * into its stored response); so is Last-Modified beside an ETag, which section 15.4.5 asks a sender not to
 * generate: the client's stored copy keeps its own, and every 304 is 46 bytes shorter.
 *
 * @example notModified(new Headers({ ETag: '"abc"', 'Content-Type': 'application/json' }))
 * // 304 with ETag: "abc" and no Content-Type
 */
export function notModified(headers: Headers | Readonly<Record<string, string>>): Response {
  const retained: Record<string, string> = {}
  const fieldOf =
    headers instanceof Headers
      ? (name: string) => headers.get(name)
      : (name: string) => headers[name] ?? headers[name.toLowerCase()] ?? null
  for (const name of RETAINED_304_HEADERS) {
    const value = fieldOf(name)
    if (value !== null) retained[name] = value
  }
  if (retained.ETag !== undefined) delete retained['Last-Modified']
  return new Response(null, { status: 304, headers: retained })
}
