/**
 * One request to the origin, bounded in time, with its failures named: a timeout is a 504, anything else that
 * keeps the origin from answering, or an answer of 5xx, a 502 (RFC 9110 sections 15.6.3 and 15.6.5). Neither
 * is cached nor leaves a validator behind.
 */

import { HttpError } from '../http/problem.ts'
import { readUpTo } from '../http/read-body.ts'

/** ORIGIN_BODY_LIMIT_BYTES is the largest body hashed; a larger one is passed on as it is, without our tag. */
export const ORIGIN_BODY_LIMIT_BYTES = 16 * 1_048_576

/** OriginCall is one origin request with the signal that bounds it, its body included. */
export interface OriginCall {
  readonly response: Response
  readonly signal: AbortSignal
  readonly timeoutMs: number
}

function failure(signal: AbortSignal, timeoutMs: number, what: string): HttpError {
  return signal.aborted
    ? new HttpError(504, `The origin did not ${what} within ${timeoutMs} ms`)
    : new HttpError(502, `The origin could not be reached or broke off its answer`)
}

/**
 * callOrigin sends `request` to the origin, never following redirects (a 3xx is the client's to follow),
 * and resolves with its answer; HttpError 504 when it takes longer than `timeoutMs`, 502 when it fails or
 * answers 5xx.
 *
 * @example const call = await callOrigin(new Request(upstream, { headers }), 10_000)
 */
export async function callOrigin(request: Request, timeoutMs: number): Promise<OriginCall> {
  const signal = AbortSignal.timeout(timeoutMs)
  let response: Response
  try {
    response = await fetch(request, { signal, redirect: 'manual' })
  } catch {
    throw failure(signal, timeoutMs, 'answer')
  }
  if (response.status >= 500) {
    await response.body?.cancel()
    // When the origin says when to come back, so do we.
    const retryAfter = response.headers.get('Retry-After')
    throw new HttpError(
      502,
      `The origin answered ${response.status}`,
      retryAfter === null ? {} : { 'Retry-After': retryAfter },
    )
  }
  return { response, signal, timeoutMs }
}

/**
 * readOriginBody reads an origin answer's body whole, or returns it unread as a stream when it is larger than
 * ORIGIN_BODY_LIMIT_BYTES (then it is passed on without our tag). HttpError 504/502 when the body does not
 * arrive in time, or breaks off.
 *
 * @example const body = await readOriginBody(call); if (body instanceof Uint8Array) hash(body)
 */
export async function readOriginBody({
  response,
  signal,
  timeoutMs,
}: OriginCall): Promise<Uint8Array | ReadableStream<Uint8Array>> {
  if (response.body === null) return new Uint8Array(0)
  if (Number(response.headers.get('Content-Length')) > ORIGIN_BODY_LIMIT_BYTES) return response.body
  try {
    return await readUpTo(response.body, ORIGIN_BODY_LIMIT_BYTES)
  } catch {
    throw failure(signal, timeoutMs, 'send its whole answer')
  }
}
