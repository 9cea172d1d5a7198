/**
 * The document store on Workers KV: every KV access of the API goes through this module. The routes read
 * through it; the DocumentWriter objects, which commit writes, publish through it.
 *
 * A document is one key (layout in ./keys.ts): its canonical JSON bytes as the value, `{etag, lastModified,
 * size}` as the metadata of the same key. One put writes both, so a read always sees the validators of the
 * very bytes it serves, and a listing returns every document's tag without reading any value.
 */

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
import type { DocumentStore, ListOptions } from '../documents/document-store.ts'
import { type DocumentMetadata, documentKey, resourcePrefix } from './keys.ts'

/** BULK_READ_KEYS is the most keys one KV bulk read may name. */
const BULK_READ_KEYS = 100
/** BULK_READ_BYTES bounds the values of one bulk read, well under KV's 25 MiB per read. */
const BULK_READ_BYTES = 16 * 1_048_576

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
 * bulkReads splits listed documents into KV bulk reads, each within BULK_READ_KEYS and, by the sizes the
 * listing gave, BULK_READ_BYTES. A document of unknown size is read on its own.
 */
function bulkReads(documents: readonly ListedDocument[]): ListedDocument[][] {
  const reads: ListedDocument[][] = []
  let current: ListedDocument[] = []
  let bytes = 0
  for (const document of documents) {
    const size = document.size ?? BULK_READ_BYTES
    if (current.length === BULK_READ_KEYS || (current.length > 0 && bytes + size > BULK_READ_BYTES)) {
      reads.push(current)
      current = []
      bytes = 0
    }
    current.push(document)
    bytes += size
  }
  if (current.length > 0) reads.push(current)
  return reads
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

  async load(resource: string, documents: readonly ListedDocument[]): Promise<LoadedDocument[]> {
    const batches = bulkReads(documents).map((batch) =>
      batch.map(({ id }) => ({ id, key: documentKey(resource, id) })),
    )
    const reads = await Promise.all(
      batches.map((batch) =>
        attempt('bulk get', () =>
          this.#kv.getWithMetadata<DocumentMetadata>(
            batch.map(({ key }) => key),
            'text',
          ),
        ),
      ),
    )
    // The tag comes with the bytes read, not from the listing, so the two always match. Each answer is looked
    // up with the very key string it was asked by: a key built again would be hashed again.
    return batches.flatMap((batch, index) =>
      batch.flatMap(({ id, key }) => {
        const found = reads[index]?.get(key)
        if (typeof found?.value !== 'string' || !isDocumentMetadata(found.metadata)) return []
        return [{ id, etag: found.metadata.etag, json: found.value }]
      }),
    )
  }
}
