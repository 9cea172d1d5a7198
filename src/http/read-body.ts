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
  let read: Uint8Array | ReadableStream<Uint8Array>
  try {
    read = await readUpTo(request.body, limit)
  } catch {
    // The client's fault, not the server's: malformed chunked framing, or a connection that broke mid-body.
    throw new HttpError(400, 'The request body could not be read: it was cut short or badly framed')
  }
  if (read instanceof Uint8Array) return read
  await read.cancel()
  throw tooLarge(limit)
}

/**
 * readUpTo reads a stream whole when it holds at most `limit` bytes, and otherwise stops there and returns a
 * stream of everything, the bytes already read included, unread past them. A failing stream rejects.
 *
 * @example const body = await readUpTo(response.body, 16 * 1_048_576)
 */
export async function readUpTo(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array | ReadableStream<Uint8Array>> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    received += value.byteLength
    if (received > limit) return resumed(chunks, reader)
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

// resumed returns a stream of the chunks already read followed by the rest of the reader.
function resumed(
  chunks: readonly Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
    },
    async pull(controller) {
      const { done, value } = await reader.read()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    cancel: (reason) => reader.cancel(reason),
  })
}
