/**
 * The item store: every Workers KV access of the API goes through this module, behind the ItemStore
 * interface, so tests can swap it. The routes read through it; the ItemWriter objects, which commit writes,
 * publish through it.
 *
 * Layout in KV (key names in ./keys.ts):
 * - `item:<id>`: the item's canonical JSON bytes, with `{etag, lastModified}` as the metadata of the same
 *   key. One put writes both, so a read always sees the validators of the very bytes it serves.
 * - `collection`: the collection's validator record (see src/items/collection.ts).
 */

import type { Validators } from '../http/preconditions.ts'
import { COLLECTION_KEY, ITEM_PREFIX, itemKey } from './keys.ts'

/** ItemValidators are an item's ETag and Last-Modified (an IMF-fixdate), as stored in KV metadata. */
export interface ItemValidators extends Validators {
  readonly lastModified: string
}

/** StoredItem is an item as read: its validators at once, its bytes as a stream not yet read. */
export interface StoredItem {
  readonly validators: ItemValidators
  /** The canonical bytes. Cancel the stream when the response carries no body (HEAD, 304, 412). */
  readonly body: ReadableStream<Uint8Array>
}

/** ListedItem is one item's id and canonical bytes, in a listing of the whole collection. */
export interface ListedItem {
  readonly id: string
  readonly bytes: Uint8Array
}

/**
 * CollectionRecord is the collection's validator record: its ETag, or null when a write has changed the
 * items since the tag was computed, and the time the current tag first came to be.
 */
export interface CollectionRecord {
  readonly etag: string | null
  readonly lastModified: string
  /** On a stale record, an id unique to the write that marked it. */
  readonly change?: string
}

/** ItemStore is what the API needs from storage. Every method throws StoreUnavailableError when KV fails. */
export interface ItemStore {
  /** getItem opens an item: validators at once, bytes as an unread stream; null when there is no such item. */
  getItem(id: string): Promise<StoredItem | null>
  /** putItem stores an item's canonical bytes together with their validators, in one write. */
  putItem(id: string, bytes: Uint8Array, validators: ItemValidators): Promise<void>
  /** deleteItem removes an item. */
  deleteItem(id: string): Promise<void>
  /** listItems returns every item, in id order (ids are ASCII, so KV's byte order is UTF-16 order). */
  listItems(): Promise<ListedItem[]>
  /** getCollectionRecord returns the collection's validator record; null before it is first computed. */
  getCollectionRecord(): Promise<CollectionRecord | null>
  /** putCollectionRecord replaces the collection's validator record. */
  putCollectionRecord(record: CollectionRecord): Promise<void>
}

/** StoreUnavailableError says that KV failed; the API answers 503 with Retry-After, never 500. */
export class StoreUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`KV ${operation} failed`, { cause })
    this.name = 'StoreUnavailableError'
  }
}

// KV returns at most 1000 keys per list call; the cursor pages through the rest.
const LIST_PAGE_SIZE = 1000
// A bulk get reads up to 100 keys and counts as one of the 1000 KV operations a request may make.
const BULK_GET_SIZE = 100

function isItemValidators(metadata: unknown): metadata is ItemValidators {
  if (typeof metadata !== 'object' || metadata === null) return false
  const { etag, lastModified } = metadata as Record<string, unknown>
  return typeof etag === 'string' && typeof lastModified === 'string'
}

async function attempt<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw new StoreUnavailableError(operation, error)
  }
}

/**
 * KvItemStore is the ItemStore on a Workers KV namespace.
 *
 * @example const store = new KvItemStore(env.ITEMS)
 */
export class KvItemStore implements ItemStore {
  readonly #kv: KVNamespace

  constructor(kv: KVNamespace) {
    this.#kv = kv
  }

  async getItem(id: string): Promise<StoredItem | null> {
    // One read: KV answers with the metadata as soon as it has it and streams the value after, so a caller
    // that only needs the validators (a 304) cancels the stream and never pays for the bytes.
    const { value, metadata } = await attempt('get', () =>
      this.#kv.getWithMetadata<ItemValidators>(itemKey(id), { type: 'stream' }),
    )
    if (value === null) return null
    if (!isItemValidators(metadata)) {
      await value.cancel()
      throw new StoreUnavailableError(
        'get',
        new Error(`item ${JSON.stringify(id)} has no validator metadata`),
      )
    }
    return { validators: { etag: metadata.etag, lastModified: metadata.lastModified }, body: value }
  }

  async putItem(id: string, bytes: Uint8Array, validators: ItemValidators): Promise<void> {
    const metadata = { etag: validators.etag, lastModified: validators.lastModified }
    await attempt('put', () => this.#kv.put(itemKey(id), bytes, { metadata }))
  }

  async deleteItem(id: string): Promise<void> {
    await attempt('delete', () => this.#kv.delete(itemKey(id)))
  }

  async listItems(): Promise<ListedItem[]> {
    const ids: string[] = []
    let cursor: string | undefined
    do {
      const page: KVNamespaceListResult<unknown> = await attempt('list', () =>
        this.#kv.list({ prefix: ITEM_PREFIX, limit: LIST_PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
      )
      for (const key of page.keys) ids.push(key.name.slice(ITEM_PREFIX.length))
      cursor = page.list_complete ? undefined : page.cursor
    } while (cursor)

    const batches: string[][] = []
    for (let start = 0; start < ids.length; start += BULK_GET_SIZE)
      batches.push(ids.slice(start, start + BULK_GET_SIZE))
    const values = await Promise.all(
      batches.map((batch) => attempt('get', () => this.#kv.get(batch.map(itemKey), 'text'))),
    )
    // An item deleted between the listing and its read is simply not part of this collection.
    const encoder = new TextEncoder()
    return batches.flatMap((batch, index) =>
      batch.flatMap((id) => {
        const text = values[index]?.get(itemKey(id))
        return typeof text === 'string' ? [{ id, bytes: encoder.encode(text) }] : []
      }),
    )
  }

  async getCollectionRecord(): Promise<CollectionRecord | null> {
    const record = await attempt('get', () =>
      this.#kv.get<CollectionRecord>(COLLECTION_KEY, { type: 'json' }),
    )
    return record && typeof record.lastModified === 'string' ? record : null
  }

  async putCollectionRecord(record: CollectionRecord): Promise<void> {
    await attempt('put', () => this.#kv.put(COLLECTION_KEY, JSON.stringify(record)))
  }
}
