/**
 * Lagging edges. Workers KV takes up to 60 seconds to bring a write to every location, so an edge may still
 * serve a version older than one the client already holds (its own write's answer, or a read from another
 * edge).
 * The server moves a document's Last-Modified by at least one second on every write, so Last-Modified orders a
 * document's versions: these rules use it to keep the client from going back in time.
 */

import type { CachedEntry } from './cache-store.ts'

/**
 * KV_PROPAGATION_MS is how long Workers KV may take to bring a write to every location.
 *
 * @example answeredAt - heldAt < KV_PROPAGATION_MS // a 404 that may come from a lagging edge
 */
export const KV_PROPAGATION_MS = 60_000

/**
 * Served is what a response says about the version it serves.
 *
 * @example const served: Served = { etag: response.headers.get('ETag'), lastModified: null }
 */
export interface Served {
  readonly etag: string | null
  readonly lastModified: string | null
}

/**
 * servedOlderThanHeld reports whether a 200 serves a version older than the one held: its Last-Modified is
 * earlier, or, when the held entry is a tombstone, it is the very version that was deleted (same tag, same
 * date). Without both dates nothing can be told, and the answer is false.
 *
 * @example servedOlderThanHeld({ etag: '"b"', lastModified: 'Tue, 01 Dec 2026 10:00:05 GMT', body: '{}' },
 *   { etag: '"a"', lastModified: 'Tue, 01 Dec 2026 10:00:04 GMT' }) // true
 */
export function servedOlderThanHeld(held: CachedEntry, served: Served): boolean {
  const heldAt = secondsOf(held.lastModified)
  const servedAt = secondsOf(served.lastModified)
  if (heldAt === null || servedAt === null) return false
  if (servedAt < heldAt) return true
  // A document deleted and created again within one second may share a date with the deleted one: only the
  // deleted bytes themselves are known to be stale.
  return held.body === null && servedAt === heldAt && served.etag === held.etag
}

/**
 * mayNotHaveReached reports whether a 404 answered at `answeredAtMs` may come from an edge that has not yet
 * seen the held version's creation: it is dated less than KV_PROPAGATION_MS after that version's Last-Modified.
 * Later, a 404 means the document is gone.
 *
 * @example mayNotHaveReached({ etag: '"a"', lastModified: 'Tue, 01 Dec 2026 10:00:04 GMT', body: '{}' },
 *   Date.parse('Tue, 01 Dec 2026 10:00:30 GMT')) // true
 */
export function mayNotHaveReached(held: CachedEntry, answeredAtMs: number): boolean {
  const heldAt = secondsOf(held.lastModified)
  if (held.body === null || heldAt === null) return false
  return answeredAtMs - heldAt * 1000 < KV_PROPAGATION_MS
}

// HTTP-dates have whole seconds; Date.parse reads IMF-fixdate, the only form this server sends.
function secondsOf(httpDate: string | null): number | null {
  if (httpDate === null) return null
  const ms = Date.parse(httpDate)
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000)
}
