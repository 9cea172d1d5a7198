/**
 * Where the client keeps what it has received: per URL, the body and its validators. The interface is small
 * and may be asynchronous, so that IndexedDB, a KV namespace or a file can back it; memoryStore is the default.
 */

/**
 * CachedEntry is what the client holds for one URL: a body (JSON text) with its ETag and Last-Modified, or,
 * with `body` null, a tombstone: the validators of a document the client saw deleted, so that an edge still
 * serving that version cannot bring it back (see lagging-edge.ts).
 *
 * @example const entry: CachedEntry = { etag: '"a1"', lastModified: null, body: '{"name":"Apple"}' }
 */
export interface CachedEntry {
  readonly etag: string | null
  readonly lastModified: string | null
  readonly body: string | null
}

/**
 * CacheStore keeps CachedEntries by URL. Each method may return a value or a promise of one. A store that loses
 * entries (an eviction, a full quota) costs only a full 200 later, never a wrong answer.
 *
 * @example
 * const store: CacheStore = {
 *   get: (url) => idb.get(url), set: (url, entry) => idb.set(url, entry), delete: (url) => idb.del(url),
 * }
 */
export interface CacheStore {
  get(url: string): CachedEntry | undefined | Promise<CachedEntry | undefined>
  set(url: string, entry: CachedEntry): void | Promise<void>
  delete(url: string): void | Promise<void>
}

/**
 * memoryStore returns a store that lives as long as the client: read-your-writes holds within it.
 *
 * @example createClient({ baseUrl, store: memoryStore() })
 */
export function memoryStore(): CacheStore {
  const entries = new Map<string, CachedEntry>()
  return {
    get: (url) => entries.get(url),
    set: (url, entry) => {
      entries.set(url, entry)
    },
    delete: (url) => {
      entries.delete(url)
    },
  }
}
