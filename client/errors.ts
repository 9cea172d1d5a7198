/**
 * The errors the client throws. Every non-2xx answer it does not handle itself becomes an ApiError carrying the
 * problem (RFC 9457) the server sent; a failed precondition on a write becomes a ConflictError with what is
 * current, so that the caller can merge and try again.
 */

import type { Versioned } from './types.ts'

/**
 * FieldError is one entry of a 422 problem's `errors`: a JSON Pointer into the document and what is wrong
 * there.
 *
 * @example const field: FieldError = { pointer: '/due', detail: 'Must be a real calendar date' }
 */
export interface FieldError {
  readonly pointer: string
  readonly detail: string
}

/**
 * Problem is an `application/problem+json` body (RFC 9457), with this API's `errors` extension.
 *
 * @example const problem: Problem = { type: 'about:blank', status: 404, detail: 'No document tasks/x' }
 */
export interface Problem {
  readonly type?: string
  readonly title?: string
  readonly status?: number
  readonly detail?: string
  readonly errors?: readonly FieldError[]
  /** How many more problems a 422's document has than `errors` lists (it lists at most 100). */
  readonly omittedErrors?: number
  readonly [member: string]: unknown
}

/**
 * ApiError is a request the server refused or failed: its status, method and URL, and the problem it sent (null
 * when the body was no problem+json). The message names the request, as ky's do.
 *
 * @example
 * try { await tasks.put('x', { title: '', done: false }) }
 * catch (error) { if (error instanceof ApiError) console.log(error.status, error.errors) } // 422, [...]
 */
export class ApiError extends Error {
  readonly status: number
  readonly method: string
  readonly url: string
  readonly problem: Problem | null
  constructor(status: number, method: string, url: string, problem: Problem | null) {
    const detail = problem?.detail === undefined ? '' : `: ${problem.detail}`
    super(`Request failed with status code ${status}${detail} (${method} ${url})`)
    this.name = 'ApiError'
    this.status = status
    this.method = method
    this.url = url
    this.problem = problem
  }

  /** detail is the problem's human-readable explanation, or null. */
  get detail(): string | null {
    return this.problem?.detail ?? null
  }

  /** errors lists what is wrong with the document, for a 422; empty otherwise. */
  get errors(): readonly FieldError[] {
    return this.problem?.errors ?? []
  }
}

/**
 * ConflictError is a 412: the write's precondition did not hold, and nothing was changed. `current` is the
 * document as it now is (fetched after the 412, which carries its validators but no body), or null when it is
 * gone; `currentEtag` and `currentLastModified` are the validators the 412 itself carried.
 *
 * @example
 * try { await tasks.put('buy-milk', edited) }
 * catch (error) { if (error instanceof ConflictError) showMerge(edited, error.current?.value) }
 */
export class ConflictError<T = unknown> extends ApiError {
  readonly current: Versioned<T> | null
  readonly currentEtag: string | null
  readonly currentLastModified: string | null
  constructor(
    refused: { method: string; url: string; problem: Problem | null; headers: Headers },
    current: Versioned<T> | null,
  ) {
    super(412, refused.method, refused.url, refused.problem)
    this.name = 'ConflictError'
    this.current = current
    this.currentEtag = refused.headers.get('ETag')
    this.currentLastModified = refused.headers.get('Last-Modified')
  }
}

/**
 * parseProblem reads a response body as a problem when its Content-Type says it is one; null otherwise, and for
 * a body that is not the JSON object it claims to be.
 *
 * @example parseProblem('application/problem+json', '{"status":404,"detail":"There is no document items/x"}')
 */
export function parseProblem(contentType: string | null, text: string): Problem | null {
  if (contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/problem+json') return null
  try {
    const problem: unknown = JSON.parse(text)
    return typeof problem === 'object' && problem !== null && !Array.isArray(problem)
      ? (problem as Problem)
      : null
  } catch {
    return null
  }
}
