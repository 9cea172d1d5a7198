/**
 * A CacheStore over the Web Storage API (localStorage, sessionStorage), so that a page keeps its tags and
 * bodies across reloads, and its first requests after one can already be answered 304.
 */

import type { CachedEntry, CacheStore } from './cache-store.ts'

/**
 * WebStorage is the part of the DOM's Storage interface the store uses, declared here so that the client
 * type-checks without the DOM library (a Worker has none).
 *
 * @example const storage: WebStorage = window.localStorage
 */
export interface WebStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * WEB_STORAGE_PREFIX starts every key the store writes, so its entries are easy to find and to clear.
 *
 * @example Object.keys(localStorage).filter((key) => key.startsWith(WEB_STORAGE_PREFIX))
 */
export const WEB_STORAGE_PREFIX = 'edge-etag:'

/**
 * webStorageStore returns a store that keeps each entry as JSON under `prefix` + URL in `storage`.
 *
 * @example createClient({ baseUrl: location.origin, store: webStorageStore(localStorage) })
 */
export function webStorageStore(storage: WebStorage, prefix = WEB_STORAGE_PREFIX): CacheStore {
  return {
    get: (url) => parseEntry(storage.getItem(prefix + url)),
    set: (url, entry) => {
      try {
        storage.setItem(prefix + url, JSON.stringify(entry))
      } catch {
        // A full quota (QuotaExceededError) must not fail the request: without the entry the next read is a
        // 200 instead of a 304. The old entry goes too, so that nothing outdated is kept in its place.
        storage.removeItem(prefix + url)
      }
    },
    delete: (url) => storage.removeItem(prefix + url),
  }
}

// Another version of the page, or the user, may have written anything there: what is not an entry is no entry.
function parseEntry(text: string | null): CachedEntry | undefined {
  if (text === null) return undefined
  try {
    const entry = JSON.parse(text) as Partial<CachedEntry> | null
    if (entry === null || typeof entry !== 'object') return undefined
    const { etag, lastModified, body } = entry
    if (![etag, lastModified, body].every((field) => field === null || typeof field === 'string'))
      return undefined
    return { etag: etag ?? null, lastModified: lastModified ?? null, body: body ?? null }
  } catch {
    return undefined
  }
}
