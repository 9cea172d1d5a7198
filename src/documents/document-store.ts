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
  /** load reads the bytes of listed documents, in their order; one deleted meanwhile is left out. */
  load(resource: string, documents: readonly ListedDocument[]): Promise<LoadedDocument[]>
}
