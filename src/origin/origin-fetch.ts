/**
 * One request to the origin, with its failures named: no answer in time is a 504, anything else that keeps the
 * origin from answering, or an answer of 5xx or 1xx, a 502 (RFC 9110 sections 15.6.3 and 15.6.5). Neither is
 * cached nor leaves a validator behind.
 *
 * The timeout bounds each wait for the origin, not the exchange: the wait for the answer's head, then each wait
 * for the next part of its body while someone is asking for it (edge-etag while it hashes, the client while it
 * downloads what is passed on). A slow client is never cut short; an origin that falls silent mid-body is.
 */

import { HttpError } from '../http/problem.ts'
import { readUpTo } from '../http/read-body.ts'
import { type HashableCoding, hashableCodingOf } from './content-coding.ts'

/** ORIGIN_BODY_LIMIT_BYTES is the most decoded bytes hashed; a larger body is passed on as it came, untagged. */
export const ORIGIN_BODY_LIMIT_BYTES = 16 * 1_048_576

/** OriginCall is one origin request: its answer, whose body arrives as the origin sent it (still coded). */
export interface OriginCall {
  readonly response: Response
  readonly timeoutMs: number
}

/** OriginSilentError is a body the origin stopped sending for longer than the timeout. */
class OriginSilentError extends Error {}

function failure(error: unknown, timeoutMs: number): HttpError {
  return error instanceof OriginSilentError
    ? new HttpError(504, `The origin sent nothing for ${timeoutMs} ms in the middle of its answer`)
    : new HttpError(502, 'The origin could not be reached or broke off its answer')
}

/**
 * callOrigin sends `request` to the origin, never following redirects (a 3xx is the client's to follow), and
 * resolves with its answer, the body unread and not decoded (`encodeResponseBody: 'manual'`); HttpError 504
 * when the answer's head takes longer than `timeoutMs`, 502 when the request fails or the origin answers 5xx
 * or 1xx (a 101 cannot be passed on: the upgrade was never asked for, Upgrade is not forwarded).
 *
 * @example const call = await callOrigin(new Request(upstream, { headers }), 10_000)
 */
export async function callOrigin(request: Request, timeoutMs: number): Promise<OriginCall> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  let fetched: Response
  try {
    fetched = await fetch(request, {
      signal: controller.signal,
      redirect: 'manual',
      encodeResponseBody: 'manual',
    })
  } catch {
    throw controller.signal.aborted
      ? new HttpError(504, `The origin did not answer within ${timeoutMs} ms`)
      : new HttpError(502, 'The origin could not be reached or broke off its answer')
  } finally {
    clearTimeout(timer)
  }
  if (fetched.status >= 500 || fetched.status < 200) {
    await fetched.body?.cancel()
    // When the origin says when to come back, so do we.
    const retryAfter = fetched.headers.get('Retry-After')
    throw new HttpError(
      502,
      `The origin answered ${fetched.status}`,
      retryAfter === null || fetched.status < 200 ? {} : { 'Retry-After': retryAfter },
    )
  }
  const body = fetched.body === null ? null : watched(fetched.body, timeoutMs, controller)
  const response = new Response(body, {
    status: fetched.status,
    statusText: fetched.statusText,
    headers: fetched.headers,
    encodeBody: 'manual',
  })
  return { response, timeoutMs }
}

// watched returns the body as a stream that fails, and aborts the origin request, when a read waits longer
// than `timeoutMs` for the origin. Nothing is read ahead (highWaterMark 0), so the clock runs only while a
// reader waits: a client that stops reading stops the clock.
function watched(
  body: ReadableStream<Uint8Array>,
  timeoutMs: number,
  controller: AbortController,
): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>(
    {
      async pull(stream) {
        let timer: ReturnType<typeof setTimeout> | undefined
        const silence = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new OriginSilentError()), timeoutMs)
        })
        try {
          const { done, value } = await Promise.race([reader.read(), silence])
          if (done) stream.close()
          else stream.enqueue(value)
        } catch (error) {
          controller.abort()
          reader.cancel(error).catch(() => undefined)
          stream.error(error)
        } finally {
          clearTimeout(timer)
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  )
}

/** OriginBody is a body read for hashing: its decoded bytes, or, past the limit, the bytes as they came. */
export type OriginBody =
  | { readonly decoded: Uint8Array }
  | { readonly passOn: ReadableStream<Uint8Array>; readonly reason: string }

/**
 * readOriginBody reads an origin answer's body whole and decoded, for hashing: `decoded`. It returns `passOn`,
 * the body as the origin sent it (every byte, still coded), when it cannot be hashed: a coding edge-etag does
 * not decode, or more than ORIGIN_BODY_LIMIT_BYTES once decoded (a gzip bomb is decoded only that far).
 * HttpError 504 when the origin falls silent for the timeout, 502 when the body breaks off or is not gzip.
 *
 * @example const body = await readOriginBody(call); if ('decoded' in body) hash(body.decoded)
 */
export async function readOriginBody({ response, timeoutMs }: OriginCall): Promise<OriginBody> {
  const coding = hashableCodingOf(response.headers)
  if (response.body === null) return { decoded: new Uint8Array(0) }
  if (coding === null) return { passOn: response.body, reason: 'a coding not decoded' }
  if (Number(response.headers.get('Content-Length')) > ORIGIN_BODY_LIMIT_BYTES) {
    return { passOn: response.body, reason: 'too large' }
  }
  try {
    return await readDecoded(response.body, coding)
  } catch (error) {
    throw failure(error, timeoutMs)
  }
}

async function readDecoded(body: ReadableStream<Uint8Array>, coding: HashableCoding): Promise<OriginBody> {
  if (coding === 'identity') {
    const read = await readUpTo(body, ORIGIN_BODY_LIMIT_BYTES)
    return read instanceof Uint8Array ? { decoded: read } : { passOn: read, reason: 'too large' }
  }
  // The coded bytes are kept beside the decoding (tee), so that a body too large once decoded can still be
  // passed on as it came: the decoding stops at the limit, and is never coded again.
  const [toDecode, asCame] = body.tee()
  const decoded = await readUpTo(
    toDecode.pipeThrough(new DecompressionStream('gzip')),
    ORIGIN_BODY_LIMIT_BYTES,
  )
  if (decoded instanceof Uint8Array) {
    await asCame.cancel()
    return { decoded }
  }
  // Cancelling one branch of a tee leaves the source to the other.
  await decoded.cancel()
  return { passOn: asCame, reason: 'too large' }
}
