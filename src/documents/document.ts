/**
 * The domain's types: a JSON document of a resource, its validators, and how it is stored and listed.
 * The store, the writer and the routes all use these; this module imports nothing but the pure core.
 */

import type { Validators } from '../http/preconditions.ts'

/** DocumentValidators are a stored document's ETag and Last-Modified (an IMF-fixdate). */
export interface DocumentValidators extends Validators {
  readonly lastModified: string
}

/** DocumentContent is a document's canonical JSON bytes and their strong tag. */
export interface DocumentContent {
  readonly bytes: Uint8Array
  readonly etag: string
}

/** DocumentTarget names one document: the resource it belongs to and its id there. */
export interface DocumentTarget {
  readonly resource: string
  readonly id: string
}

/** StoredDocument is a document as read: its validators at once, its bytes as a stream not yet read. */
export interface StoredDocument {
  readonly validators: DocumentValidators
  /** The canonical bytes. Cancel the stream when the response carries no body (HEAD, 304, 412). */
  readonly body: ReadableStream<Uint8Array>
  /** The bytes' length, when the store recorded it. */
  readonly size: number | null
}

/** ListedDocument is one entry of a listing: what the store knows of a document without reading it. */
export interface ListedDocument {
  readonly id: string
  readonly etag: string
  /** Length of the canonical bytes; null when the store does not know it. */
  readonly size: number | null
  /** For an index entry: what its key says between the listed prefix and the id (the sort value's spelling). */
  readonly indexed?: string
}

/** Listing is one run of a resource's documents in id order, and where the next run starts. */
export interface Listing {
  readonly documents: readonly ListedDocument[]
  /** The store's cursor for the documents after these; null when there are none. */
  readonly cursor: string | null
}

/** LoadedDocument is one document's id, tag and canonical JSON text, as read for a collection page. */
export interface LoadedDocument {
  readonly id: string
  readonly etag: string
  /** The stored canonical bytes, as text: a page is assembled as one string, which the runtime encodes once. */
  readonly json: string
  /** The length of those bytes, as stored beside them (not as listed, which may be older). */
  readonly size: number
}

/**
 * StorageUnavailableError says that storage (KV, or a document's writer object) failed. Whatever the
 * operation, the API answers it one way: 503 with Retry-After, never 500.
 */
export class StorageUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`${operation} failed`, { cause })
    this.name = 'StorageUnavailableError'
  }
}
