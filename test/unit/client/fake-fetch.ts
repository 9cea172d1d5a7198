/**
 * A scripted fetch for the client's unit tests: it answers requests with the given responses in order and
 * records what the client sent, so a test reads like the exchange it checks.
 */

import { createClient, type Exchange, type FetchLike } from '../../../client/index.ts'
import type { EdgeEtagApi } from '../../../src/resources/edge-etag-api.ts'

export const BASE = 'https://api.test'
export const TOKEN = 'unit-token'

/** Sent is one request the client sent, with its header names in lower case. */
export interface Sent {
  method: string
  url: string
  headers: Record<string, string>
  body: string | null
}

/** Answer is a response to give, or a function of the request that builds one. */
export type Answer = Response | ((sent: Sent) => Response | Promise<Response>)

/** fakeFetch returns a fetch that answers with `answers` in order, and the list of requests it got. */
export function fakeFetch(...answers: Answer[]): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = []
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    const entry: Sent = {
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: init.body === undefined || init.body === null ? null : await request.text(),
    }
    sent.push(entry)
    const answer = answers.shift()
    if (answer === undefined) throw new Error(`no answer scripted for ${entry.method} ${entry.url}`)
    return typeof answer === 'function' ? answer(entry) : answer
  }
  return { fetch, sent }
}

/**
 * clientWith returns a typed client over a scripted fetch, and the exchanges it reported. Its create() retries
 * without waiting, unless `retryDelayMs` says otherwise.
 */
export function clientWith(
  answers: Answer[],
  options: { maxRetries?: number; createRetries?: number; retryDelayMs?: number } = {},
) {
  const { fetch, sent } = fakeFetch(...answers)
  const exchanges: Exchange[] = []
  const client = createClient<EdgeEtagApi>({
    baseUrl: BASE,
    token: TOKEN,
    fetch,
    onExchange: (exchange) => exchanges.push(exchange),
    retryDelayMs: 0,
    ...options,
  })
  return { client, items: client.resource('items'), tasks: client.resource('tasks'), sent, exchanges }
}

/** LM is a Last-Modified some seconds after a fixed instant, as the server formats it. */
export function lm(seconds: number): string {
  return new Date(Date.UTC(2026, 11, 1, 10, 0, 0) + seconds * 1000).toUTCString()
}

/** document answers 200 (or `status`) with a JSON document and its validators. */
export function document(
  value: unknown,
  etag: string,
  lastModified: string | null,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: {
      'Content-Type': 'application/json',
      ETag: etag,
      ...(lastModified === null ? {} : { 'Last-Modified': lastModified }),
      ...headers,
    },
  })
}

/** notModified answers 304 with the validators. */
export function notModified(etag: string, lastModified: string | null = null): Response {
  return new Response(null, {
    status: 304,
    headers: { ETag: etag, ...(lastModified === null ? {} : { 'Last-Modified': lastModified }) },
  })
}

/** problem answers with an RFC 9457 problem. */
export function problem(
  status: number,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ type: 'about:blank', status, detail, ...extensions }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  })
}

/**
 * created answers a POST as the server does: 201 with the new document's relative Location, its validators
 * and the stored body; `replayed` adds Idempotent-Replayed: true, as a retry with the same key is answered.
 */
export function created(
  value: unknown,
  location: string,
  etag: string,
  lastModified: string,
  replayed = false,
): Response {
  return document(value, etag, lastModified, 201, {
    Location: location,
    'Content-Location': location,
    ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
  })
}

/** networkFailure is an answer that never comes: the fetch rejects, as it does when a connection drops. */
export function networkFailure(): never {
  throw new TypeError('fetch failed')
}

/** noContent answers 204, as a DELETE is answered. */
export function noContent(): Response {
  return new Response(null, { status: 204 })
}

/** bytesOf is the UTF-8 length of a value's JSON, as the client counts it. */
export function bytesOf(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength
}
