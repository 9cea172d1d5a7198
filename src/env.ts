/**
 * The worker's bindings (wrangler.toml and secrets) and the Hono environment built on them.
 */

import type { ItemWriter } from './writes/item-writer.ts'

/** Env is what wrangler.toml, `.dev.vars` and `wrangler secret put` give the worker. */
export interface Env {
  /** Items and their validators; see src/store/item-store.ts. */
  readonly ITEMS: KVNamespace
  /** One ItemWriter Durable Object per item commits its writes; see src/writes/item-writer.ts. */
  readonly ITEM_WRITER: DurableObjectNamespace<ItemWriter>
  /** Bearer token for writes (a secret). Without one, every write is refused. */
  readonly API_TOKEN?: string
  /** Largest accepted request body in bytes; default 1 MiB. */
  readonly MAX_BODY_BYTES?: string
  /** "true": 428 for a replacing PUT or a DELETE without If-Match. */
  readonly REQUIRE_IF_MATCH?: string
  /** "true": If-Match compares strongly only. */
  readonly STRICT_IF_MATCH?: string
  /** Comma-separated origins allowed to call the API from browsers (CORS), or "*"; empty: none. */
  readonly CORS_ALLOWED_ORIGINS?: string
}

/** AppEnv types Hono's context for this worker. */
export interface AppEnv {
  Bindings: Env
}
