/**
 * createClient: a typed client of an edge-etag API, one per user or page, with one store of what it holds.
 */

import { type CacheStore, memoryStore } from './cache-store.ts'
import { HttpSession } from './http-session.ts'
import { DEFAULT_RETRY_POLICY, ResourceClient, type RetryPolicy } from './resource-client.ts'
import type { ClientStats } from './stats.ts'
import type { Exchange, FetchLike, JsonObject } from './types.ts'

/**
 * ClientOptions configure a client; only `baseUrl` is needed, and not even that on a page of the API's origin.
 *
 * @example const options: ClientOptions = { baseUrl: 'http://localhost:8787', token, maxRetries: 5 }
 */
export interface ClientOptions {
  /** The API's origin (and any path prefix), e.g. `https://api.example.com`; the page's origin by default. */
  readonly baseUrl?: string
  /** The bearer token sent with writes. */
  readonly token?: string
  /** The fetch to send requests with; globalThis.fetch by default. */
  readonly fetch?: FetchLike
  /** Where bodies and validators are held; memoryStore() by default. */
  readonly store?: CacheStore
  /** How many times update() tries again after a conflict; 3 by default. */
  readonly maxRetries?: number
  /** How many times create() sends its POST again, with its Idempotency-Key, after a network failure or a 409; 3 by default. */
  readonly createRetries?: number
  /** How long create() waits before its first retry, doubled for each one after; 250 ms by default. */
  readonly retryDelayMs?: number
  /** Called once per HTTP exchange, after the client has interpreted it. */
  readonly onExchange?: (exchange: Exchange) => void
}

/**
 * Client is what createClient returns: a ResourceClient per resource of `Api`, typed by its declaration, and
 * the counters of everything it has done.
 *
 * @example const client: Client<EdgeEtagApi> = createClient<EdgeEtagApi>({ baseUrl })
 */
export interface Client<Api> {
  /** resource returns the client of the resource `name`, served at `path` (`/api/<name>` by default). */
  resource<Name extends keyof Api & string>(name: Name, path?: string): ResourceClient<Api[Name]>
  /** stats returns a snapshot of the counters. */
  readonly stats: ClientStats
}

/**
 * createClient returns a client of the API at `baseUrl`. `Api` maps each resource's name to its document
 * type (written by hand, or ApiFromPaths<paths> from openapi-typescript); without it every resource holds JSON objects.
 *
 * @example
 * const client = createClient<EdgeEtagApi>({ baseUrl: 'http://localhost:8787', token: 'dev-token-change-me' })
 * const task = await client.resource('tasks').get('buy-milk') // Versioned<Task>
 */
export function createClient<Api extends object = Record<string, JsonObject>>(
  options: ClientOptions = {},
): Client<Api> {
  const base = options.baseUrl ?? pageOrigin()
  if (base === undefined) throw new TypeError('createClient needs a baseUrl outside a page')
  const session = new HttpSession({
    // Called through globalThis, not bound once, so a fetch replaced later (a test's mock) is the one used.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    store: options.store ?? memoryStore(),
    token: options.token ?? null,
    onExchange: options.onExchange ?? null,
  })
  const retry: RetryPolicy = {
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    createRetries: options.createRetries ?? DEFAULT_RETRY_POLICY.createRetries,
    retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_POLICY.retryDelayMs,
  }
  return {
    resource: <Name extends keyof Api & string>(name: Name, path = `/api/${name}`) =>
      new ResourceClient<Api[Name]>(session, resourceUrl(base, path), retry),
    get stats(): ClientStats {
      return { ...session.stats }
    },
  }
}

// A page of the API's own origin needs no baseUrl; Workers and Node have no location.
function pageOrigin(): string | undefined {
  return (globalThis as { location?: { origin?: string } }).location?.origin
}

/**
 * resourceUrl joins a base URL and a resource's path, keeping the base's own path: a base of
 * `https://api.example/v1` and `/api/tasks` give `https://api.example/v1/api/tasks` (where `new URL` would drop
 * `/v1`).
 *
 * @example resourceUrl('https://api.example/v1/', '/api/tasks') // 'https://api.example/v1/api/tasks'
 */
export function resourceUrl(base: string, path: string): string {
  const url = new URL(base)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '')
  url.search = ''
  url.hash = ''
  return url.href
}
