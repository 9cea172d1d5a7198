/**
 * The shapes the client hands out: JSON values, versioned documents, pages, merge patches and the record of
 * one HTTP exchange. Types only, so any runtime (browser, Node, Workers) can import them.
 */

/**
 * JsonValue is any value JSON can carry.
 *
 * @example const value: JsonValue = { tags: ['fruit'], price: 0.5, sold: null }
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [member: string]: JsonValue }

/**
 * JsonObject is a JSON object: what a resource without a schema (the demo's items) stores.
 *
 * @example const apple: JsonObject = { name: 'Apple', price: 0.5 }
 */
export type JsonObject = { [member: string]: JsonValue }

/**
 * Versioned is a document with the validators of exactly its bytes. `fromCache` is true when the value came
 * from the client's store (a 304, or a lagging edge's answer that was ignored) rather than from the body of
 * this request's response.
 *
 * @example const { value, etag } = await tasks.get('buy-milk') // value: Task, etag: '"j4bg..."'
 */
export interface Versioned<T> {
  readonly value: T
  readonly etag: string
  readonly lastModified: string | null
  readonly fromCache: boolean
}

/**
 * Created is a document create() stored: its id, which the server picked (read from Location), and the stored
 * representation with its validators. `replayed` is true when the server answered a retry with what it had
 * answered the first request (Idempotent-Replayed: true): the document was created once, by that request.
 *
 * @example const { id, etag } = await tasks.create({ title: 'Buy milk', done: false })
 */
export interface Created<T> extends Versioned<T> {
  readonly id: string
  readonly replayed: boolean
}

/**
 * MergePatch is a JSON Merge Patch (RFC 7396) of a T: any members, each patched in turn, and `null` to remove
 * one. Arrays are replaced whole, as the RFC says.
 *
 * @example const patch: MergePatch<Task> = { done: true, tags: null }
 */
export type MergePatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MergePatch<T[K]> | null }
    : T

/**
 * PageItem is one member of a collection page.
 *
 * @example const item: PageItem<Task> = { id: 'buy-milk', value: { title: 'Buy milk', done: false } }
 */
export interface PageItem<T> {
  readonly id: string
  readonly value: T
}

/**
 * Page is one page of a collection, in id order or in the order its query asks. `next` is the absolute URL of the following page, or null on
 * the last; `fromCache` is true when a 304 let the client reuse the page it held.
 *
 * @example for await (const page of tasks.pages({ limit: 100 })) console.log(page.items.length)
 */
export interface Page<T> {
  readonly items: readonly PageItem<T>[]
  readonly next: string | null
  readonly etag: string
  readonly fromCache: boolean
}

/**
 * ExchangeOutcome is what one HTTP exchange meant to the client: `hit` (a 304 let it reuse what it held),
 * `miss` (a 200 brought a body), `stale` (a lagging edge's answer was ignored for what the client holds),
 * `conflict` (412), `created`, `updated`, `deleted`, `not-found` (404), or `error` (any other status, or no
 * response).
 *
 * @example if (exchange.outcome === 'hit') savedBytes += exchange.bytesSaved
 */
export type ExchangeOutcome =
  | 'hit'
  | 'miss'
  | 'stale'
  | 'conflict'
  | 'created'
  | 'updated'
  | 'deleted'
  | 'not-found'
  | 'error'

/**
 * Exchange describes one request and its response, for a request log or a chart. `status` is 0 when no
 * response arrived; `bytesReceived` is the length of the body as `fetch` delivered it (decoded; 0 for a 304);
 * `bytesSaved` is the length of the held body a 304 let the client reuse.
 *
 * @example createClient({ baseUrl, onExchange: (exchange) => console.log(exchange.status, exchange.outcome) })
 */
export interface Exchange {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly outcome: ExchangeOutcome
  readonly bytesReceived: number
  readonly bytesSaved: number
  readonly durationMs: number
  /** The response's X-Request-Id, which the server also logs; null when absent (or not exposed by CORS). */
  readonly requestId: string | null
  /** The response's raw Server-Timing field; null when absent. */
  readonly serverTiming: string | null
}

/**
 * FetchLike is the part of `fetch` the client uses, so that a test, a Worker's service binding or
 * vitest's `SELF` can stand in for it.
 *
 * @example const fetch: FetchLike = (input, init) => SELF.fetch(input, init)
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>
