/**
 * Conditional reads of one document: If-None-Match with the tag held, a 304 answered from the store, and the
 * lagging-edge rules, so that a read never goes back to a version older than the one the client holds.
 */

import type { CachedEntry } from './cache-store.ts'
import { ApiError } from './errors.ts'
import type { HttpSession, Received } from './http-session.ts'
import { mayNotHaveReached, servedOlderThanHeld } from './lagging-edge.ts'
import type { Versioned } from './types.ts'

/**
 * ACCEPT_JSON asks for the JSON representation, which is the only one the API has.
 *
 * @example await session.send({ method: 'GET', url, headers: { ...ACCEPT_JSON } })
 */
export const ACCEPT_JSON = { Accept: 'application/json' } as const

/**
 * readDocument returns the document at `url`: from the store on a 304 (a hit), from the body on a 200 (a miss),
 * and from the store again when an edge that lags behind what is held answers (counted as staleIgnored). It
 * throws an ApiError for a 404 and any other refusal.
 *
 * @example const task = await readDocument<Task>(session, 'https://api.example/api/tasks/buy-milk')
 */
export async function readDocument<T>(session: HttpSession, url: string): Promise<Versioned<T>> {
  const held = await session.store.get(url)
  const headers: Record<string, string> = { ...ACCEPT_JSON }
  if (held?.body != null && held.etag !== null) headers['If-None-Match'] = held.etag
  const received = await session.send({ method: 'GET', url, headers })
  switch (received.status) {
    case 304:
      if (held?.body == null) throw session.fail(received)
      return reuseHeld(session, received, url, held)
    case 200:
      return acceptUnlessOlder<T>(session, received, url, held)
    case 404:
      if (held !== undefined && mayNotHaveReached(held, answeredAt(received))) {
        session.report(received, 'stale')
        return versionOf<T>(held, true)
      }
      // Gone: a tombstone remembers which version was deleted, so that a lagging edge cannot bring it back.
      if (held?.lastModified != null) await session.store.set(url, { ...held, body: null })
      else await session.store.delete(url)
      throw session.fail(received, 'not-found')
    default:
      throw session.fail(received)
  }
}

/**
 * readCurrent returns the document at `url` as readDocument does, or null when there is none: what a
 * ConflictError carries.
 *
 * @example const current = await readCurrent<Task>(session, url) // null after a delete
 */
export async function readCurrent<T>(session: HttpSession, url: string): Promise<Versioned<T> | null> {
  try {
    return await readDocument<T>(session, url)
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null
    throw error
  }
}

/**
 * versionOf returns a held entry as a Versioned value; the entry must hold a body.
 *
 * @example versionOf<Task>({ etag: '"a"', lastModified: null, body: '{"title":"x","done":false}' }, true)
 */
export function versionOf<T>(entry: CachedEntry, fromCache: boolean): Versioned<T> {
  // The API stores what its schema output, so the body is a T; the client trusts it rather than re-validate.
  return {
    value: JSON.parse(entry.body ?? 'null') as T,
    etag: entry.etag ?? '',
    lastModified: entry.lastModified,
    fromCache,
  }
}

// A 304 freshens the held validators (RFC 9111 section 4.3.4), except a Last-Modified going backwards: that
// edge serves the same bytes under an older date (A, then B, then A again) and has not seen the latest write.
async function reuseHeld<T>(
  session: HttpSession,
  received: Received,
  url: string,
  held: CachedEntry,
): Promise<Versioned<T>> {
  const served = {
    etag: received.headers.get('ETag') ?? held.etag,
    lastModified: received.headers.get('Last-Modified'),
  }
  const older = servedOlderThanHeld(held, served)
  let entry = held
  if (!older && served.lastModified !== null && served.lastModified !== held.lastModified) {
    entry = { ...held, lastModified: served.lastModified }
    await session.store.set(url, entry)
  }
  session.report(received, 'hit', { bytesSaved: byteLength(held.body ?? ''), staleIgnored: older })
  return versionOf<T>(entry, true)
}

async function acceptUnlessOlder<T>(
  session: HttpSession,
  received: Received,
  url: string,
  held: CachedEntry | undefined,
): Promise<Versioned<T>> {
  const served = { etag: received.headers.get('ETag'), lastModified: received.headers.get('Last-Modified') }
  if (held !== undefined && servedOlderThanHeld(held, served)) {
    session.report(received, 'stale')
    if (held.body !== null) return versionOf<T>(held, true)
    throw new ApiError(404, 'GET', url, {
      status: 404,
      detail: 'This client deleted the document; an edge that has not seen the delete yet still serves it',
    })
  }
  const entry = { ...served, body: received.text }
  await session.store.set(url, entry)
  session.report(received, 'miss')
  return versionOf<T>(entry, false)
}

// The server's Date orders a 404 against Last-Modified, both server clocks; a cross-origin page cannot read
// Date (CORS does not expose it), so this clock stands in for it there.
function answeredAt(received: Received): number {
  const date = Date.parse(received.headers.get('Date') ?? '')
  return Number.isNaN(date) ? Date.now() : date
}

const encoder = new TextEncoder()

function byteLength(text: string): number {
  return encoder.encode(text).byteLength
}
