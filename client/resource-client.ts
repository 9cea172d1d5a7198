/**
 * The client of one resource (`/api/tasks`, say): its documents by id, and its collection by pages.
 */

import { firstPageUrl, type PageQuery } from './collection-query.ts'
import {
  type CreateOptions,
  createDocument,
  DEFAULT_CREATE_RETRIES,
  DEFAULT_RETRY_DELAY_MS,
  newIdempotencyKey,
} from './create-document.ts'
import { readDocument } from './document-reads.ts'
import { deleteDocument, type Precondition, writeDocument } from './document-writes.ts'
import { ConflictError } from './errors.ts'
import type { HttpSession } from './http-session.ts'
import { walkPages } from './pages.ts'
import type { Created, MergePatch, Page, PageItem, Versioned } from './types.ts'

/**
 * DEFAULT_MAX_RETRIES is how many times update() tries again after a conflict before it gives up.
 *
 * @example createClient({ baseUrl, maxRetries: DEFAULT_MAX_RETRIES * 2 })
 */
export const DEFAULT_MAX_RETRIES = 3

/**
 * RetryPolicy says how often a resource's client tries again: `maxRetries` for update() after a conflict,
 * `createRetries` for create() after a network failure or a 409, waiting `retryDelayMs` before the first of
 * those and twice as long before each one after.
 *
 * @example new ResourceClient(session, tasksUrl, { ...DEFAULT_RETRY_POLICY, createRetries: 5 })
 */
export interface RetryPolicy {
  readonly maxRetries: number
  readonly createRetries: number
  readonly retryDelayMs: number
}

/**
 * DEFAULT_RETRY_POLICY is the RetryPolicy of a client created without retry options.
 *
 * @example createClient({ baseUrl, maxRetries: DEFAULT_RETRY_POLICY.maxRetries })
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: DEFAULT_MAX_RETRIES,
  createRetries: DEFAULT_CREATE_RETRIES,
  retryDelayMs: DEFAULT_RETRY_DELAY_MS,
}

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
  readonly #retry: RetryPolicy

  constructor(session: HttpSession, collectionUrl: string, retry: RetryPolicy = DEFAULT_RETRY_POLICY) {
    this.#session = session
    this.#collectionUrl = collectionUrl
    this.#retry = retry
  }

  /** url returns the absolute URL of the document `id`. */
  url(id: string): string {
    return `${this.#collectionUrl}/${encodeURIComponent(id)}`
  }

  /** get returns the document, revalidating the one held (a 304 is a hit); ApiError 404 if there is none. */
  get(id: string): Promise<Versioned<T>> {
    return readDocument<T>(this.#session, this.url(id))
  }

  /**
   * create POSTs a new document to the collection and returns it with the id the server picked, holding it as
   * a read would be held (so get(id) next is a 304). The POST carries an Idempotency-Key, `options.
   * idempotencyKey` or one made for this call, and is sent again with it after a network failure or a 409, up
   * to `createRetries` times: a retry never creates a second document. ApiError for any other refusal.
   */
  create(value: T, options: CreateOptions = {}): Promise<Created<T>> {
    return createDocument<T>(this.#session, {
      collectionUrl: this.#collectionUrl,
      documentUrl: (id) => this.url(id),
      value,
      key: options.idempotencyKey ?? newIdempotencyKey(),
      retries: this.#retry.createRetries,
      delayMs: this.#retry.retryDelayMs,
    })
  }

  /**
   * createAt stores a new document under an id the caller picks, with a PUT and If-None-Match: *; a
   * ConflictError, carrying the current document, if the id is taken.
   */
  createAt(id: string, value: T): Promise<Versioned<T>> {
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
        if (!(error instanceof ConflictError) || error.current === null || attempt >= this.#retry.maxRetries)
          throw error
        this.#session.stats.retries++
        base = error.current as Versioned<T>
      }
    }
  }

  /**
   * firstPageUrl returns the absolute URL of a query's first page, the one pages() and list() read first.
   *
   * @example tasks.firstPageUrl({ where: { done: false } }) // 'https://api.example/api/tasks?done=false'
   */
  firstPageUrl(query: PageQuery<T> = {}): string {
    return firstPageUrl(this.#collectionUrl, query)
  }

  /**
   * pages yields the pages of the collection, or of a query of it (`where`, `sort`: see PageQuery), following
   * each page's `next`; each page is revalidated with the tag held for its URL, so an unchanged one is a 304.
   */
  pages(query: PageQuery<T> = {}): AsyncGenerator<Page<T>, void, undefined> {
    return walkPages<T>(this.#session, this.#collectionUrl, query)
  }

  /**
   * list returns every document of the collection, or every one a query matches, in the query's order,
   * following the pages to the last.
   *
   * @example const open = await tasks.list({ where: { done: false }, sort: 'due' })
   */
  async list(query: PageQuery<T> = {}): Promise<PageItem<T>[]> {
    const items: PageItem<T>[] = []
    for await (const page of this.pages(query)) items.push(...page.items)
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
