/**
 * How the page writes numbers, tags and URLs, so that every panel says them the same way.
 */

/**
 * formatBytes returns a byte count for people: "0 B", "67 B", "1.4 kB", "2.1 MB" (SI units, as network tools
 * count).
 *
 * @example formatBytes(1432) // '1.4 kB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/**
 * shortTag returns the start of an entity tag, enough to tell two versions apart at a glance.
 *
 * @example shortTag('"AdN4xzz3eZJPk9pecgkR5vbH4uAROfE4xHR3zfw80e0"') // '"AdN4xzz3…"'
 */
export function shortTag(etag: string): string {
  const weak = etag.startsWith('W/')
  const opaque = etag.slice(weak ? 3 : 1, -1)
  return `${weak ? 'W/' : ''}"${opaque.length > 8 ? `${opaque.slice(0, 8)}…` : opaque}"`
}

/**
 * requestPath returns the path and query of a URL, as a request line shows them.
 *
 * @example requestPath('http://localhost:8787/api/tasks?limit=100') // '/api/tasks?limit=100'
 */
export function requestPath(url: string): string {
  const parsed = new URL(url, location.href)
  return parsed.pathname + parsed.search
}

/**
 * prettyJson returns a JSON value with sorted members and two-space indentation, so that two versions of a
 * document line up member by member.
 *
 * @example prettyJson({ b: 1, a: 2 }) // '{\n  "a": 2,\n  "b": 1\n}'
 */
export function prettyJson(value: unknown): string {
  return JSON.stringify(sortMembers(value), null, 2)
}

/**
 * sameJson says whether two JSON values are equal, member order aside.
 *
 * @example sameJson({ a: 1, b: [2] }, { b: [2], a: 1 }) // true
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortMembers(a)) === JSON.stringify(sortMembers(b))
}

function sortMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortMembers)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, member]) => [name, sortMembers(member)]),
  )
}
