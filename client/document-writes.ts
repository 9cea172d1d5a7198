/**
 * Conditional writes of one document. Each write carries the precondition that protects what the client holds:
 * If-Match with the held tag, If-None-Match: * to create (or to write again after the client's own delete). A
 * 412 becomes a ConflictError holding the current document; a success is held as the newest version.
 */

import type { CachedEntry } from './cache-store.ts'
import { ACCEPT_JSON, readCurrent, versionOf } from './document-reads.ts'
import { ConflictError } from './errors.ts'
import type { HttpSession, Received } from './http-session.ts'
import type { Versioned } from './types.ts'

/**
 * Precondition says what a write may change: `held` (If-Match with the tag the store holds, if any), `absent`
 * (If-None-Match: *, create only), or a tag to match, as update() sends the one its change was applied to.
 *
 * @example const precondition: Precondition = { kind: 'tag', etag: '"j4bg..."' }
 */
export type Precondition =
  | { readonly kind: 'held' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'tag'; readonly etag: string }

/**
 * StoreWrite is a PUT of a whole document or a PATCH with a JSON Merge Patch.
 *
 * @example const write: StoreWrite = { method: 'PATCH', body: { done: true }, precondition: { kind: 'held' } }
 */
export interface StoreWrite {
  readonly method: 'PUT' | 'PATCH'
  readonly body: unknown
  readonly precondition: Precondition
}

const CONTENT_TYPES = { PUT: 'application/json', PATCH: 'application/merge-patch+json' } as const

/**
 * writeDocument sends a PUT or PATCH and returns the stored representation, which the server answers with and
 * the client holds from then on. It throws a ConflictError on 412, an ApiError on any other refusal.
 *
 * @example await writeDocument<Task>(session, url, { method: 'PUT', body, precondition })
 */
export async function writeDocument<T>(
  session: HttpSession,
  url: string,
  write: StoreWrite,
): Promise<Versioned<T>> {
  const held = await session.store.get(url)
  const headers = {
    ...ACCEPT_JSON,
    ...authorization(session),
    ...preconditionFields(write.method, write.precondition, held),
    'Content-Type': CONTENT_TYPES[write.method],
  }
  const received = await session.send({
    method: write.method,
    url,
    headers,
    body: JSON.stringify(write.body),
  })
  if (received.status === 200 || received.status === 201) {
    const entry = {
      etag: received.headers.get('ETag'),
      lastModified: received.headers.get('Last-Modified'),
      body: received.text,
    }
    await session.store.set(url, entry)
    session.report(received, received.status === 201 ? 'created' : 'updated')
    return versionOf<T>(entry, false)
  }
  return refused(session, received, url, held)
}

/**
 * deleteDocument sends a DELETE with If-Match for the held tag, and keeps a tombstone of the deleted version so
 * that an edge still serving it is not believed. It throws a ConflictError on 412, an ApiError on 404 and any
 * other refusal.
 *
 * @example await deleteDocument(session, 'https://api.example/api/tasks/buy-milk')
 */
export async function deleteDocument(
  session: HttpSession,
  url: string,
  precondition: Precondition = { kind: 'held' },
): Promise<void> {
  const held = await session.store.get(url)
  const headers = {
    ...ACCEPT_JSON,
    ...authorization(session),
    ...preconditionFields('DELETE', precondition, held),
  }
  const received = await session.send({ method: 'DELETE', url, headers })
  if (received.status === 204 || received.status === 200) {
    await forget(session, url, held)
    session.report(received, 'deleted')
    return
  }
  await refused(session, received, url, held)
}

/**
 * authorization returns the Authorization field a write carries: the bearer token, or nothing without one.
 *
 * @example const headers = { ...ACCEPT_JSON, ...authorization(session) }
 */
export function authorization(session: HttpSession): Record<string, string> {
  return session.token === null ? {} : { Authorization: `Bearer ${session.token}` }
}

function preconditionFields(
  method: 'PUT' | 'PATCH' | 'DELETE',
  precondition: Precondition,
  held: CachedEntry | undefined,
): Record<string, string> {
  switch (precondition.kind) {
    case 'tag':
      return { 'If-Match': precondition.etag }
    case 'absent':
      return { 'If-None-Match': '*' }
    case 'held':
      if (held?.body != null && held.etag !== null) return { 'If-Match': held.etag }
      // The client deleted it (a tombstone): writing again means creating it again, not overwriting whatever
      // someone else has created since. A PATCH or DELETE of a missing document is a 404 anyway.
      if (held !== undefined && method === 'PUT') return { 'If-None-Match': '*' }
      // Nothing held: nothing to protect, and the write is unconditional.
      return {}
  }
}

// The writer object that answers writes is authoritative, so its 404 is the truth, lagging edges or not.
async function forget(session: HttpSession, url: string, held: CachedEntry | undefined): Promise<void> {
  if (held?.lastModified != null) await session.store.set(url, { ...held, body: null })
  else await session.store.delete(url)
}

async function refused(
  session: HttpSession,
  received: Received,
  url: string,
  held: CachedEntry | undefined,
): Promise<never> {
  if (received.status === 412) {
    session.report(received, 'conflict')
    // The 412 comes from the document's writer, which is authoritative: without an ETag it says the document
    // is gone, whatever an edge may still serve. With one, it carries the current validators but no body, so
    // the current document takes one more request.
    let current = null
    if (received.headers.get('ETag') === null) await forget(session, url, held)
    else current = await readCurrent(session, url)
    const { method } = received.request
    throw new ConflictError(
      { method, url, problem: session.problemOf(received), headers: received.headers },
      current,
    )
  }
  if (received.status === 404) {
    await forget(session, url, held)
    throw session.fail(received, 'not-found')
  }
  throw session.fail(received)
}
