/**
 * One client's connection to the API: it sends requests through the injected fetch, reads each body whole
 * (to count its bytes), and records every exchange in the counters and through onExchange, once each.
 */

import type { CacheStore } from './cache-store.ts'
import { ApiError, type Problem, parseProblem } from './errors.ts'
import { emptyStats, type MutableStats } from './stats.ts'
import type { Exchange, ExchangeOutcome, FetchLike } from './types.ts'

/**
 * Outgoing is one request to send.
 *
 * @example const request: Outgoing = { method: 'GET', url, headers: { 'If-None-Match': '"a1"' } }
 */
export interface Outgoing {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

/**
 * Received is a response read whole, waiting to be reported with what it meant.
 *
 * @example const received: Received = await session.send(request)
 */
export interface Received {
  readonly request: Outgoing
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly bytesReceived: number
  /** From sending the request to the last byte of the body. */
  readonly durationMs: number
}

/**
 * Report adds to an exchange's record what only its interpretation knows.
 *
 * @example session.report(received, 'hit', { bytesSaved: 1024 } satisfies Report)
 */
export interface Report {
  readonly bytesSaved?: number
  /** The answer came from an edge behind what the client holds (a 304 may be both this and a hit). */
  readonly staleIgnored?: boolean
}

const decoder = new TextDecoder()

/**
 * HttpSession sends a client's requests and keeps its counters. Callers `send`, interpret the response, then
 * `report` it exactly once, so that the exchange is recorded with its outcome before any follow-up request
 * (the GET after a 412) is recorded after it, as they happened on the wire.
 *
 * @example
 * const received = await session.send({ method: 'GET', url, headers: {} })
 * session.report(received, received.status === 304 ? 'hit' : 'miss')
 */
export class HttpSession {
  readonly store: CacheStore
  readonly token: string | null
  readonly stats: MutableStats = emptyStats()
  readonly #fetch: FetchLike
  readonly #onExchange: ((exchange: Exchange) => void) | null

  constructor(options: {
    fetch: FetchLike
    store: CacheStore
    token: string | null
    onExchange: ((exchange: Exchange) => void) | null
  }) {
    this.#fetch = options.fetch
    this.store = options.store
    this.token = options.token
    this.#onExchange = options.onExchange
  }

  /**
   * send sends one request and reads its body whole. A request that gets no response at all is recorded here,
   * as an `error` exchange with status 0, and its error rethrown.
   */
  async send(request: Outgoing): Promise<Received> {
    const startedAt = performance.now()
    // No `cache` option: workerd rejects some of its values, and none is needed. A request whose script sets
    // If-None-Match or If-Match makes the browser bypass its own HTTP cache (Fetch standard, HTTP-network-or-
    // cache fetch: such a request's cache mode becomes "no-store"), so the 304 reaches this code as a 304.
    const init: RequestInit = { method: request.method, headers: request.headers }
    if (request.body !== undefined) init.body = request.body
    let response: Response
    let bytes: ArrayBuffer
    try {
      // Called as a plain function: a browser's fetch called as a method of another object throws "Illegal
      // invocation", so `fetch: window.fetch` must not be called with this session as `this`.
      const fetch = this.#fetch
      response = await fetch(request.url, init)
      bytes = await response.arrayBuffer()
    } catch (error) {
      const durationMs = performance.now() - startedAt
      this.#record(request, { status: 0, outcome: 'error', bytesReceived: 0, durationMs, headers: null })
      throw error
    }
    return {
      request,
      status: response.status,
      headers: response.headers,
      text: decoder.decode(bytes),
      bytesReceived: bytes.byteLength,
      durationMs: performance.now() - startedAt,
    }
  }

  /** report records an exchange with its outcome: in the counters, then through onExchange. */
  report(received: Received, outcome: ExchangeOutcome, report: Report = {}): void {
    const bytesSaved = report.bytesSaved ?? 0
    if (outcome === 'hit') this.stats.hits++
    if (outcome === 'miss') this.stats.misses++
    if (outcome === 'conflict') this.stats.conflicts++
    if (outcome === 'stale' || report.staleIgnored === true) this.stats.staleIgnored++
    this.stats.bytesSaved += bytesSaved
    this.#record(received.request, { ...received, outcome, bytesSaved })
  }

  /** fail reports a response as an `error` (or `not-found`) exchange and returns the ApiError to throw. */
  fail(received: Received, outcome: 'error' | 'not-found' = 'error'): ApiError {
    this.report(received, outcome)
    const { method, url } = received.request
    return new ApiError(received.status, method, url, this.problemOf(received))
  }

  /** problemOf returns the problem a response carries, or null. */
  problemOf(received: Received): Problem | null {
    return parseProblem(received.headers.get('Content-Type'), received.text)
  }

  #record(
    request: Outgoing,
    answer: {
      status: number
      outcome: ExchangeOutcome
      bytesReceived: number
      bytesSaved?: number
      durationMs: number
      headers: Headers | null
    },
  ): void {
    this.stats.requests++
    this.stats.bytesReceived += answer.bytesReceived
    this.#onExchange?.({
      method: request.method,
      url: request.url,
      status: answer.status,
      outcome: answer.outcome,
      bytesReceived: answer.bytesReceived,
      bytesSaved: answer.bytesSaved ?? 0,
      durationMs: answer.durationMs,
      requestId: answer.headers?.get('X-Request-Id') ?? null,
      serverTiming: answer.headers?.get('Server-Timing') ?? null,
    })
  }
}
