/**
 * The client of one resource (`/api/tasks`, say): its documents by id, and its collection by pages.
 */

import { readDocument } from './document-reads.ts'
import { deleteDocument, type Precondition, writeDocument } from './document-writes.ts'
import { ConflictError } from './errors.ts'
import type { HttpSession } from './http-session.ts'
import { walkPages } from './pages.ts'
import type { MergePatch, Page, PageItem, Versioned } from './types.ts'

/**
 * DEFAULT_MAX_RETRIES is how many times update() tries again after a conflict before it gives up.
 *
 * @example createClient({ baseUrl, maxRetries: DEFAULT_MAX_RETRIES * 2 })
 */
export const DEFAULT_MAX_RETRIES = 3

/**
 * ResourceClient reads and writes the documents of one resource, each a T. Reads revalidate what the client
 * holds; writes are conditional on it; see the methods.
 *
 * @example
 * const tasks = client.resource('tasks')
 * const { value } = await tasks.update('buy-milk', (task) => ({ ...task, done: true }))
 */
export class ResourceClient<T> {
  readonly #session: HttpSession
  readonly #collectionUrl: string
  readonly #maxRetries: number

  constructor(session: HttpSession, collectionUrl: string, maxRetries = DEFAULT_MAX_RETRIES) {
    this.#session = session
    this.#collectionUrl = collectionUrl
    this.#maxRetries = maxRetries
  }

  /** url returns the absolute URL of the document `id`. */
  url(id: string): string {
    return `${this.#collectionUrl}/${encodeURIComponent(id)}`
  }

  /** get returns the document, revalidating the one held (a 304 is a hit); ApiError 404 if there is none. */
  get(id: string): Promise<Versioned<T>> {
    return readDocument<T>(this.#session, this.url(id))
  }

  /** create stores a new document with If-None-Match: *; a ConflictError, with the current one, if taken. */
  create(id: string, value: T): Promise<Versioned<T>> {
    return writeDocument<T>(this.#session, this.url(id), {
      method: 'PUT',
      body: value,
      precondition: { kind: 'absent' },
    })
  }

  /**
   * put replaces the document, with If-Match for the held tag (unconditionally when nothing is held), or for
   * `options.ifMatch`: the tag of the version an edit started from, when the store may have moved on since
   * (another tab sharing it, a revalidation while a form was open).
   */
  put(id: string, value: T, options: WriteOptions = {}): Promise<Versioned<T>> {
    return writeDocument<T>(this.#session, this.url(id), {
      method: 'PUT',
      body: value,
      precondition: preconditionOf(options),
    })
  }

  /** patch applies a JSON Merge Patch (RFC 7396; null removes a member), with If-Match as put sends it. */
  patch(id: string, mergePatch: MergePatch<T>, options: WriteOptions = {}): Promise<Versioned<T>> {
    return writeDocument<T>(this.#session, this.url(id), {
      method: 'PATCH',
      body: mergePatch,
      precondition: preconditionOf(options),
    })
  }

  /** delete removes the document, with If-Match as put sends it; an ApiError with status 404 if none. */
  delete(id: string, options: WriteOptions = {}): Promise<void> {
    return deleteDocument(this.#session, this.url(id), preconditionOf(options))
  }

  /**
   * update reads the document, applies `change` to it and PUTs the result with If-Match for the version it
   * changed. On a conflict it applies `change` again to the current version, up to `maxRetries` times, then
   * throws the last ConflictError; `change` must therefore be safe to call more than once.
   */
  async update(id: string, change: (current: T) => T | Promise<T>): Promise<Versioned<T>> {
    let base = await this.get(id)
    for (let attempt = 0; ; attempt++) {
      const changed = await change(base.value)
      try {
        return await writeDocument<T>(this.#session, this.url(id), {
          method: 'PUT',
          body: changed,
          precondition: { kind: 'tag', etag: base.etag },
        })
      } catch (error) {
        if (!(error instanceof ConflictError) || error.current === null || attempt >= this.#maxRetries)
          throw error
        this.#session.stats.retries++
        base = error.current as Versioned<T>
      }
    }
  }

  /** pages yields the collection's pages in id order, each revalidated against the one held for its URL. */
  pages(options: { limit?: number } = {}): AsyncGenerator<Page<T>, void, undefined> {
    return walkPages<T>(this.#session, this.#collectionUrl, options.limit)
  }

  /** list returns every document of the collection, following the pages to the last. */
  async list(options: { limit?: number } = {}): Promise<PageItem<T>[]> {
    const items: PageItem<T>[] = []
    for await (const page of this.pages(options)) items.push(...page.items)
    return items
  }
}

/** WriteOptions choose a write's If-Match: `ifMatch`, the tag the change was based on; the held tag otherwise. */
export interface WriteOptions {
  readonly ifMatch?: string
}

function preconditionOf(options: WriteOptions): Precondition {
  return options.ifMatch === undefined ? { kind: 'held' } : { kind: 'tag', etag: options.ifMatch }
}
