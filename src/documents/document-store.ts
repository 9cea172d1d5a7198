/**
 * DocumentStore: what the API needs from the storage that serves reads. The domain owns this interface;
 * src/store/kv-document-store.ts implements it on Workers KV.
 */

import type {
  DocumentContent,
  DocumentTarget,
  DocumentValidators,
  ListedDocument,
  Listing,
  LoadedDocument,
  StoredDocument,
} from './document.ts'

/** ListOptions choose a run of a listing: at most `limit` documents, from `cursor` (or the first). */
export interface ListOptions {
  readonly limit: number
  readonly cursor: string | null
}

/** IndexedDocument is what an index entry says of its document: enough for a query page's tag. */
export interface IndexedDocument {
  readonly etag: string
  readonly size: number
}

/**
 * LoadOptions bound what one load may read: it stops once it has read `budget` bytes. It plans its reads on the
 * listed sizes, and a document whose size the listing does not know as `largestDocument` bytes, the most a
 * document can be; should the documents have grown past a store's limits since they were listed, it reads them
 * again as if each were that large.
 */
export interface LoadOptions {
  readonly budget: number
  readonly largestDocument: number
}

/** Loaded is what a load read, in listing order; `complete` is false when it stopped at its budget. */
export interface Loaded {
  readonly documents: readonly LoadedDocument[]
  readonly complete: boolean
}

/** DocumentStore is the read side's storage. Every method throws StorageUnavailableError when it fails. */
export interface DocumentStore {
  /** get opens a document: validators at once, bytes as an unread stream; null when it does not exist. */
  get(target: DocumentTarget): Promise<StoredDocument | null>
  /** put stores a document's canonical bytes together with their validators, in one write. */
  put(target: DocumentTarget, content: DocumentContent, validators: DocumentValidators): Promise<void>
  /** delete removes a document. */
  delete(target: DocumentTarget): Promise<void>
  /** list returns a run of a resource's documents in id order, reading no document's bytes. */
  list(resource: string, options: ListOptions): Promise<Listing>
  /** listIndex returns a run of the index entries under a prefix, in key order, as the documents they name. */
  listIndex(prefix: string, options: ListOptions): Promise<Listing>
  /** putIndexEntries writes index entries, each carrying the validators of the document they name. */
  putIndexEntries(keys: readonly string[], document: IndexedDocument): Promise<void>
  /** deleteIndexEntries removes index entries. */
  deleteIndexEntries(keys: readonly string[]): Promise<void>
  /**
   * load reads the bytes of listed documents, in their order, until it has read `options.budget` bytes; one
   * deleted meanwhile is left out.
   */
  load(resource: string, documents: readonly ListedDocument[], options: LoadOptions): Promise<Loaded>
}
