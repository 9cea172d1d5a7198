/**
 * What a client has done so far, counted across every resource it serves.
 */

/**
 * ClientStats counts the client's work: `requests` sent; `hits` (304s that let it reuse a held body) and
 * `misses` (200s that brought one); `conflicts` (412s); `retries` (requests sent again: by update() after a
 * conflict, by create() after a network failure or a 409); `staleIgnored` (answers from an edge that had not yet seen what the client holds); `bytesReceived`
 * (bodies as delivered) and `bytesSaved` (held bodies reused on a 304).
 *
 * @example const { hits, bytesSaved } = client.stats
 */
export interface ClientStats {
  readonly requests: number
  readonly hits: number
  readonly misses: number
  readonly conflicts: number
  readonly retries: number
  readonly staleIgnored: number
  readonly bytesReceived: number
  readonly bytesSaved: number
}

/**
 * MutableStats is ClientStats as the client keeps it, before a snapshot is taken.
 *
 * @example session.stats.retries++
 */
export type MutableStats = { -readonly [Counter in keyof ClientStats]: ClientStats[Counter] }

/**
 * emptyStats returns counters that are all zero.
 *
 * @example const stats = emptyStats(); stats.hits++
 */
export function emptyStats(): MutableStats {
  return {
    requests: 0,
    hits: 0,
    misses: 0,
    conflicts: 0,
    retries: 0,
    staleIgnored: 0,
    bytesReceived: 0,
    bytesSaved: 0,
  }
}
