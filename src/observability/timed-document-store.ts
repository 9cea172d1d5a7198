/**
 * A DocumentStore that adds the time of every KV access to a request's trace, so that Server-Timing and the
 * log line show what KV cost.
 */

import type {
  DocumentContent,
  DocumentTarget,
  DocumentValidators,
  ListedDocument,
  Listing,
  StoredDocument,
} from '../documents/document.ts'
import type {
  DocumentStore,
  IndexedDocument,
  ListOptions,
  Loaded,
  LoadOptions,
} from '../documents/document-store.ts'
import type { RequestTrace } from './request-trace.ts'

/**
 * TimedDocumentStore wraps a store and measures each call as the trace's `kv` step. A get resolves when the
 * validators arrive, before the value streams, so it measures the part every answer (a 304 too) waits for.
 *
 * @example const store = new TimedDocumentStore(new KvDocumentStore(env.DOCUMENTS), trace)
 */
export class TimedDocumentStore implements DocumentStore {
  readonly #store: DocumentStore
  readonly #trace: RequestTrace

  constructor(store: DocumentStore, trace: RequestTrace) {
    this.#store = store
    this.#trace = trace
  }

  get(target: DocumentTarget): Promise<StoredDocument | null> {
    return this.#trace.measure('kv', () => this.#store.get(target))
  }

  put(target: DocumentTarget, content: DocumentContent, validators: DocumentValidators): Promise<void> {
    return this.#trace.measure('kv', () => this.#store.put(target, content, validators))
  }

  delete(target: DocumentTarget): Promise<void> {
    return this.#trace.measure('kv', () => this.#store.delete(target))
  }

  list(resource: string, options: ListOptions): Promise<Listing> {
    return this.#trace.measure('kv', () => this.#store.list(resource, options))
  }

  listIndex(prefix: string, options: ListOptions): Promise<Listing> {
    return this.#trace.measure('kv', () => this.#store.listIndex(prefix, options))
  }

  putIndexEntries(keys: readonly string[], document: IndexedDocument): Promise<void> {
    return this.#trace.measure('kv', () => this.#store.putIndexEntries(keys, document))
  }

  deleteIndexEntries(keys: readonly string[]): Promise<void> {
    return this.#trace.measure('kv', () => this.#store.deleteIndexEntries(keys))
  }

  load(resource: string, documents: readonly ListedDocument[], options: LoadOptions): Promise<Loaded> {
    return this.#trace.measure('kv', () => this.#store.load(resource, documents, options))
  }
}
