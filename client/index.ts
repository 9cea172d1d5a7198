/**
 * The typed client of an edge-etag API, for browsers, Node and Workers, with no dependency beyond fetch. It
 * holds each document's body with its ETag and Last-Modified, revalidates with If-None-Match (a 304 is a hit),
 * writes with If-Match (a 412 is a ConflictError carrying what is current), creates with POST and an
 * Idempotency-Key (so a retry never creates twice), follows collection pages and their queries, and never goes
 * back to a version older than one it holds. Types per resource: the caller's `Api` (written by hand, or
 * ApiFromPaths over the types openapi-typescript generates from /openapi.json).
 *
 * @example
 * import { createClient } from 'edge-etag-client'
 * interface Api { tasks: { title: string; done: boolean } }
 * const tasks = createClient<Api>({ baseUrl: 'http://localhost:8787', token }).resource('tasks')
 */

export type { ApiFromPaths } from './api-from-paths.ts'
export type { CachedEntry, CacheStore } from './cache-store.ts'
export { memoryStore } from './cache-store.ts'
export type { PageQuery, WhereValue } from './collection-query.ts'
export { firstPageUrl } from './collection-query.ts'
export type { Client, ClientOptions } from './create-client.ts'
export { createClient } from './create-client.ts'
export type { CreateOptions } from './create-document.ts'
export { DEFAULT_CREATE_RETRIES, DEFAULT_RETRY_DELAY_MS } from './create-document.ts'
export type { FieldError, Problem } from './errors.ts'
export { ApiError, ConflictError } from './errors.ts'
export { KV_PROPAGATION_MS } from './lagging-edge.ts'
export type { RetryPolicy, WriteOptions } from './resource-client.ts'
export { DEFAULT_MAX_RETRIES, DEFAULT_RETRY_POLICY, ResourceClient } from './resource-client.ts'
export type { ClientStats } from './stats.ts'
export type {
  Created,
  Exchange,
  ExchangeOutcome,
  FetchLike,
  JsonObject,
  JsonValue,
  MergePatch,
  Page,
  PageItem,
  Versioned,
} from './types.ts'
export type { WebStorage } from './web-storage-store.ts'
export { WEB_STORAGE_PREFIX, webStorageStore } from './web-storage-store.ts'
