/**
 * The document store on Workers KV: every KV access of the API goes through this module. The routes read
 * through it; the DocumentWriter objects, which commit writes, publish through it.
 *
 * A document is one key (layout in ./keys.ts): its canonical JSON bytes as the value, `{etag, lastModified,
 * size}` as the metadata of the same key. One put writes both, so a read always sees the validators of the
 * very bytes it serves, and a listing returns every document's tag without reading any value.
 */

import { idOfIndexKey } from '../documents/collection-index.ts'
import { utf8Length } from '../documents/collection-page.ts'
import type {
  DocumentContent,
  DocumentTarget,
  DocumentValidators,
  ListedDocument,
  Listing,
  LoadedDocument,
  StoredDocument,
} from '../documents/document.ts'
import { StorageUnavailableError } from '../documents/document.ts'
import type {
  DocumentStore,
  IndexedDocument,
  ListOptions,
  Loaded,
  LoadOptions,
} from '../documents/document-store.ts'
import { type DocumentMetadata, documentKey, resourcePrefix } from './keys.ts'

/** BULK_READ_KEYS is the most keys one KV bulk read may name. */
export const BULK_READ_KEYS = 100
/** BULK_READ_BYTES is the most one KV bulk read may return (25 MiB). */
export const BULK_READ_BYTES = 25 * 1_048_576
/**
 * IN_FLIGHT_BYTES bounds the bytes of the bulk reads made at once, at their worst: two full reads, so that a
 * page's values fit in a Worker's 128 MB with room to assemble the page.
 */
export const IN_FLIGHT_BYTES = 2 * BULK_READ_BYTES

function isDocumentMetadata(metadata: unknown): metadata is DocumentMetadata {
  if (typeof metadata !== 'object' || metadata === null) return false
  const { etag, lastModified } = metadata as Record<string, unknown>
  return typeof etag === 'string' && typeof lastModified === 'string'
}

function sizeOf(metadata: DocumentMetadata): number | null {
  return Number.isSafeInteger(metadata.size) && metadata.size >= 0 ? metadata.size : null
}

async function attempt<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw new StorageUnavailableError(`KV ${operation}`, error)
  }
}

/**
 * planReads splits listed documents into waves of KV bulk reads, as counts of keys, from their listed sizes: a
 * read holds at most BULK_READ_KEYS keys and BULK_READ_BYTES, a wave at most IN_FLIGHT_BYTES (a single document
 * larger than that is a read of its own). A size the listing does not know (null) is planned as
 * `largestDocument`.
 *
 * @example planReads(Array(100).fill(1_048), 1_048_576) // [[100]]: a page of 1 KB documents is one read
 * @example planReads(Array(100).fill(null), 1_048_576) // [[25, 25], [25, 25]]
 */
export function planReads(sizes: readonly (number | null)[], largestDocument: number): number[][] {
  const waves: number[][] = []
  let wave: number[] = []
  let waveBytes = 0
  let readKeys = 0
  let readBytes = 0
  const endRead = () => {
    if (wave.length > 0 && waveBytes + readBytes > IN_FLIGHT_BYTES) {
      waves.push(wave)
      wave = []
      waveBytes = 0
    }
    wave.push(readKeys)
    waveBytes += readBytes
    readKeys = 0
    readBytes = 0
  }
  for (const size of sizes) {
    const planned = Math.max(size ?? largestDocument, 1)
    if (readKeys > 0 && (readKeys === BULK_READ_KEYS || readBytes + planned > BULK_READ_BYTES)) endRead()
    readKeys++
    readBytes += planned
  }
  if (readKeys > 0) endRead()
  if (wave.length > 0) waves.push(wave)
  return waves
}

// splitByCounts cuts items into consecutive parts of the given lengths.
function splitByCounts<T>(items: readonly T[], counts: readonly number[]): T[][] {
  let start = 0
  return counts.map((count) => {
    const part = items.slice(start, start + count)
    start += count
    return part
  })
}

/**
 * KvDocumentStore is the DocumentStore on a Workers KV namespace.
 *
 * @example const store = new KvDocumentStore(env.DOCUMENTS)
 */
export class KvDocumentStore implements DocumentStore {
  readonly #kv: KVNamespace

  constructor(kv: KVNamespace) {
    this.#kv = kv
  }

  async get({ resource, id }: DocumentTarget): Promise<StoredDocument | null> {
    // One read: KV answers with the metadata as soon as it has it and streams the value after, so a caller
    // that only needs the validators (a 304) cancels the stream and never pays for the bytes.
    const { value, metadata } = await attempt('get', () =>
      this.#kv.getWithMetadata<DocumentMetadata>(documentKey(resource, id), { type: 'stream' }),
    )
    if (value === null) return null
    if (!isDocumentMetadata(metadata)) {
      await value.cancel()
      throw new StorageUnavailableError('KV get', new Error(`${resource}/${id} has no validator metadata`))
    }
    return {
      validators: { etag: metadata.etag, lastModified: metadata.lastModified },
      body: value,
      size: sizeOf(metadata),
    }
  }

  async put({ resource, id }: DocumentTarget, content: DocumentContent, validators: DocumentValidators) {
    const metadata: DocumentMetadata = {
      etag: validators.etag,
      lastModified: validators.lastModified,
      size: content.bytes.byteLength,
    }
    await attempt('put', () => this.#kv.put(documentKey(resource, id), content.bytes, { metadata }))
  }

  async delete({ resource, id }: DocumentTarget): Promise<void> {
    await attempt('delete', () => this.#kv.delete(documentKey(resource, id)))
  }

  async list(resource: string, { limit, cursor }: ListOptions): Promise<Listing> {
    const prefix = resourcePrefix(resource)
    const listed = await attempt('list', () =>
      this.#kv.list<DocumentMetadata>({ prefix, limit, ...(cursor === null ? {} : { cursor }) }),
    )
    const documents = listed.keys.flatMap(({ name, metadata }) =>
      isDocumentMetadata(metadata)
        ? [{ id: name.slice(prefix.length), etag: metadata.etag, size: sizeOf(metadata) }]
        : [],
    )
    return { documents, cursor: listed.list_complete ? null : listed.cursor }
  }

  async listIndex(prefix: string, { limit, cursor }: ListOptions): Promise<Listing> {
    const listed = await attempt('list', () =>
      this.#kv.list<IndexedDocument>({ prefix, limit, ...(cursor === null ? {} : { cursor }) }),
    )
    const documents = listed.keys.flatMap(({ name, metadata }) =>
      typeof metadata?.etag === 'string'
        ? [
            {
              id: idOfIndexKey(name),
              etag: metadata.etag,
              size: sizeOf(metadata as DocumentMetadata),
              indexed: name.slice(prefix.length, name.lastIndexOf(':')),
            },
          ]
        : [],
    )
    return { documents, cursor: listed.list_complete ? null : listed.cursor }
  }

  async putIndexEntries(keys: readonly string[], { etag, size }: IndexedDocument): Promise<void> {
    // An entry's value is empty: all it says is in its key and its metadata.
    await attempt('put', () =>
      Promise.all(keys.map((key) => this.#kv.put(key, '', { metadata: { etag, size } }))),
    )
  }

  async deleteIndexEntries(keys: readonly string[]): Promise<void> {
    await attempt('delete', () => Promise.all(keys.map((key) => this.#kv.delete(key))))
  }

  async load(
    resource: string,
    documents: readonly ListedDocument[],
    { budget, largestDocument }: LoadOptions,
  ): Promise<Loaded> {
    const waves = planReads(
      documents.map(({ size }) => size),
      largestDocument,
    )
    const batches = splitByCounts(documents, waves.flat())
    const loaded: LoadedDocument[] = []
    let bytes = 0
    let done = 0
    for (const wave of waves) {
      // What was read already may be all the page can hold: the rest is not read at all.
      if (bytes >= budget) return { documents: loaded, complete: false }
      const answers = await Promise.all(
        batches
          .slice(done, done + wave.length)
          .map((batch) => this.#readPlanned(resource, batch, largestDocument)),
      )
      done += wave.length
      for (const document of answers.flat()) {
        loaded.push(document)
        bytes += document.size
      }
    }
    return { documents: loaded, complete: true }
  }

  // One bulk read planned on listed sizes. Should KV refuse it (documents grown past its limits since they were
  // listed), its documents are read again, planned as if each were as large as a document can be.
  async #readPlanned(
    resource: string,
    batch: readonly ListedDocument[],
    largestDocument: number,
  ): Promise<LoadedDocument[]> {
    try {
      return await this.#bulkRead(resource, batch)
    } catch (error) {
      const replanned = planReads(
        batch.map(() => null),
        largestDocument,
      ).flat()
      if (replanned.length === 1) throw error
      const read: LoadedDocument[] = []
      for (const part of splitByCounts(batch, replanned)) read.push(...(await this.#bulkRead(resource, part)))
      return read
    }
  }

  async #bulkRead(resource: string, batch: readonly ListedDocument[]): Promise<LoadedDocument[]> {
    const keys = batch.map(({ id }) => documentKey(resource, id))
    const answers = await attempt('bulk get', () => this.#kv.getWithMetadata<DocumentMetadata>(keys, 'text'))
    // The tag and size come with the bytes read, not from the listing, so they always describe them. Each
    // answer is looked up with the very key string it was asked by: a key built again would be hashed again.
    return batch.flatMap(({ id }, index) => {
      const found = answers.get(keys[index] as string)
      if (typeof found?.value !== 'string' || !isDocumentMetadata(found.metadata)) return []
      const size = sizeOf(found.metadata) ?? utf8Length(found.value)
      return [{ id, etag: found.metadata.etag, json: found.value, size }]
    })
  }
}
