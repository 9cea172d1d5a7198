/**
 * Bounded request bodies: a body larger than the limit is refused with 413 (RFC 9110 section 15.5.14)
 * while it is being read, so a chunked upload with no Content-Length cannot make the worker buffer it all.
 *
 * Pure: web streams only.
 */

import { HttpError } from './problem.ts'

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `The request body exceeds the limit of ${limit} bytes`)
}

/**
 * rejectDeclaredOverLimit throws HttpError 413 when the request's Content-Length exceeds `limit`, so that an
 * oversized body is refused before anything is read, or any other work is done.
 *
 * @example rejectDeclaredOverLimit(request, 1_048_576)
 */
export function rejectDeclaredOverLimit(request: Request, limit: number): void {
  if (Number(request.headers.get('Content-Length')) > limit) throw tooLarge(limit)
}

/**
 * readBodyWithLimit returns the request body's bytes, or throws HttpError 413 as soon as the declared
 * Content-Length, or the bytes actually received, exceed `limit`, and HttpError 400 when the body stream
 * fails (a bad chunk size, a client that disconnects mid-body): never an unexpected error.
 *
 * @example const bytes = await readBodyWithLimit(request, 1_048_576)
 */
export async function readBodyWithLimit(request: Request, limit: number): Promise<Uint8Array> {
  rejectDeclaredOverLimit(request, limit)
  if (request.body === null) return new Uint8Array(0)

  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>
    try {
      read = await reader.read()
    } catch {
      // The client's fault, not the server's: malformed chunked framing, or a connection that broke mid-body.
      throw new HttpError(400, 'The request body could not be read: it was cut short or badly framed')
    }
    const { done, value } = read
    if (done) break
    received += value.byteLength
    if (received > limit) {
      await reader.cancel()
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0]
  const bytes = new Uint8Array(received)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
