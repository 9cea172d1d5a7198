/**
 * Creating a document with POST, where the server picks the id. Every POST carries an Idempotency-Key
 * (draft-ietf-httpapi-idempotency-key-header): the server answers a request with a key it has seen, and the
 * same body, with what it answered the first time, and creates nothing. So a POST whose answer was lost (the
 * fetch rejected: the request may or may not have reached the server) can be sent again with its key, and one
 * the server is still working on (409) can be asked again a moment later; neither creates twice.
 */

import { ACCEPT_JSON } from './document-reads.ts'
import { authorization } from './document-writes.ts'
import { ApiError } from './errors.ts'
import type { HttpSession, Outgoing, Received } from './http-session.ts'
import { servedOlderThanHeld } from './lagging-edge.ts'
import type { Created } from './types.ts'

/**
 * DEFAULT_CREATE_RETRIES is how many times create() sends its POST again after a network failure or a 409.
 *
 * @example createClient({ baseUrl, createRetries: DEFAULT_CREATE_RETRIES + 2 })
 */
export const DEFAULT_CREATE_RETRIES = 3

/**
 * DEFAULT_RETRY_DELAY_MS is how long create() waits before its first retry; each retry after waits twice as
 * long as the one before (250, 500, 1000 ms), unless a 409 says how long in Retry-After.
 *
 * @example createClient({ baseUrl, retryDelayMs: DEFAULT_RETRY_DELAY_MS * 4 })
 */
export const DEFAULT_RETRY_DELAY_MS = 250

/** MAX_RETRY_AFTER_S caps the wait a 409's Retry-After may ask for, so that a create cannot hang for long. */
const MAX_RETRY_AFTER_S = 10

// The draft: 1 to 255 characters. Visible ASCII (as the server's bare-token form takes), sent as an sf-string.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

/**
 * CreateOptions tune one create(): `idempotencyKey` is the key of this logical create, for a caller that may
 * itself send it again later (after a reload, say); without one, create() makes one (crypto.randomUUID()) that
 * its own retries share.
 *
 * @example await tasks.create(task, { idempotencyKey: `order-${orderId}` })
 */
export interface CreateOptions {
  readonly idempotencyKey?: string
}

/**
 * newIdempotencyKey returns a fresh key: crypto.randomUUID(), or, where a page is not a secure context and so
 * has no randomUUID (http:// on another host than localhost), 122 random bits from getRandomValues written as
 * a version-4 UUID.
 *
 * @example newIdempotencyKey() // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * CreateRequest is a POST to send: the collection, the document's value, the key, and how to retry.
 *
 * @example const request: CreateRequest = { collectionUrl, documentUrl, value, key, retries: 3, delayMs: 250 }
 */
export interface CreateRequest {
  readonly collectionUrl: string
  /** The URL the client holds the document `id` under, as get(id) reads it. */
  readonly documentUrl: (id: string) => string
  readonly value: unknown
  readonly key: string
  readonly retries: number
  readonly delayMs: number
}

/**
 * createDocument POSTs a document to a collection with an Idempotency-Key, and returns it as stored, with the
 * id the server picked (from Location); the client then holds it as it holds a read. A rejected fetch or a 409
 * (the first request with this key is still being processed) is retried with the same key, up to `retries`
 * times; any other refusal is an ApiError (a 422 naming Idempotency-Key: the key was used with another body).
 * It throws a TypeError, sending nothing, for a key that is not 1 to 255 visible ASCII characters.
 *
 * @example const { id } = await createDocument<Task>(session, { collectionUrl, documentUrl, value, key, ... })
 */
export async function createDocument<T>(session: HttpSession, create: CreateRequest): Promise<Created<T>> {
  const { collectionUrl } = create
  if (!IDEMPOTENCY_KEY.test(create.key)) {
    throw new TypeError(
      `An Idempotency-Key is 1 to 255 visible ASCII characters (POST ${collectionUrl}): ${JSON.stringify(create.key.slice(0, 64))}`,
    )
  }
  const request: Outgoing = {
    method: 'POST',
    url: collectionUrl,
    headers: {
      ...ACCEPT_JSON,
      ...authorization(session),
      'Content-Type': 'application/json',
      'Idempotency-Key': sfString(create.key),
    },
    body: JSON.stringify(create.value),
  }
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < create.retries
    let received: Received
    try {
      received = await session.send(request)
    } catch (error) {
      // No answer: the POST may have created the document or not. Only the key makes sending it again safe.
      if (!canRetry) throw error
      session.stats.retries++
      await sleep(create.delayMs * 2 ** attempt)
      continue
    }
    if (received.status === 409 && canRetry) {
      session.report(received, 'error')
      session.stats.retries++
      await sleep(retryAfterMs(received) ?? create.delayMs * 2 ** attempt)
      continue
    }
    if (received.status !== 201) throw session.fail(received)
    return stored<T>(session, received, create)
  }
}

async function stored<T>(
  session: HttpSession,
  received: Received,
  create: CreateRequest,
): Promise<Created<T>> {
  const location = received.headers.get('Location')
  const id = location === null ? '' : idOf(new URL(location, create.collectionUrl))
  if (id === '') {
    session.report(received, 'error')
    throw new ApiError(201, 'POST', create.collectionUrl, {
      detail: `The 201 names no document in Location (${location ?? 'none'}), so the new id is unknown`,
    })
  }
  const url = create.documentUrl(id)
  const entry = {
    etag: received.headers.get('ETag'),
    lastModified: received.headers.get('Last-Modified'),
    body: received.text,
  }
  // A replay answers with the version first created; a client holding a later one (it has edited the
  // document since) keeps that.
  const held = await session.store.get(url)
  if (held === undefined || !servedOlderThanHeld(held, entry)) await session.store.set(url, entry)
  session.report(received, 'created')
  return {
    id,
    // The API stores what its schema output, so the body is a T; the client trusts it rather than re-validate.
    value: JSON.parse(entry.body) as T,
    etag: entry.etag ?? '',
    lastModified: entry.lastModified,
    fromCache: false,
    replayed: received.headers.get('Idempotent-Replayed')?.trim().toLowerCase() === 'true',
  }
}

// The last segment of the document's path: Location is /api/<resource>/<id>.
function idOf(location: URL): string {
  const segment = location.pathname.split('/').at(-1) ?? ''
  try {
    return decodeURIComponent(segment)
  } catch {
    return ''
  }
}

// RFC 8941 section 3.3.3: an sf-string escapes only `"` and `\`.
function sfString(key: string): string {
  return `"${key.replace(/[\\"]/g, (char) => `\\${char}`)}"`
}

// RFC 9110 section 10.2.3: Retry-After in delta-seconds (the form this API sends); a date is left to backoff.
function retryAfterMs(received: Received): number | null {
  const seconds = /^\s*(\d{1,6})\s*$/.exec(received.headers.get('Retry-After') ?? '')?.[1]
  return seconds === undefined ? null : Math.min(Number(seconds), MAX_RETRY_AFTER_S) * 1000
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds))
}
