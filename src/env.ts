/**
 * The worker's bindings (wrangler.toml and secrets) and the Hono environment built on them.
 */

import type { TraceVariables } from './observability/request-trace.ts'

/** Env is what wrangler.toml, `.dev.vars` and `wrangler secret put` give the worker. */
export interface Env {
  /** Every resource's documents and their validators; see src/store/kv-document-store.ts. */
  readonly DOCUMENTS: KVNamespace
  /** One DocumentWriter Durable Object per document commits its writes; see src/store/document-writer.ts. */
  readonly DOCUMENT_WRITER: DurableObjectNamespace
  /** One IdempotencyKeys Durable Object per Idempotency-Key of a resource; see src/store/idempotency-keys.ts. */
  readonly IDEMPOTENCY_KEYS: DurableObjectNamespace
  /** The demo page's files (Workers Static Assets, public/); absent where no assets are configured. */
  readonly ASSETS?: Fetcher
  /** Bearer token for writes (a secret). Without one, every write is refused. */
  readonly API_TOKEN?: string
  /** Largest accepted request body in bytes; default 1 MiB. */
  readonly MAX_BODY_BYTES?: string
  /** "true": 428 for a write that changes an existing document without If-Match. */
  readonly REQUIRE_IF_MATCH?: string
  /** "true": If-Match compares strongly only. */
  readonly STRICT_IF_MATCH?: string
  /** Comma-separated origins allowed to call the API from browsers (CORS), or "*"; empty: none. */
  readonly CORS_ALLOWED_ORIGINS?: string
  /** Origin mode: the existing API to put edge-etag in front of; empty (the default): off. */
  readonly ORIGIN_URL?: string
  /** Origin mode: the path under which this worker serves the origin; default "/origin". */
  readonly ORIGIN_PREFIX?: string
  /** Origin mode: how long one origin request may take, in milliseconds; default 10000. */
  readonly ORIGIN_TIMEOUT_MS?: string
  /** Origin mode: comma-separated query parameters a URL may hold and still be recorded in KV; default none. */
  readonly ORIGIN_RECORD_QUERY?: string
}

/** AppEnv types Hono's context for this worker: its bindings, and each request's id and trace. */
export interface AppEnv {
  Bindings: Env
  /** requestId: the request's id (src/observability/trace-requests.ts), as X-Request-Id and problems show it. */
  Variables: { requestId: string } & TraceVariables
}
