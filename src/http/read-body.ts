/**
 * Bounded request bodies: a body larger than the limit is refused with 413 (RFC 9110 section 15.5.14)
 * while it is being read, so a chunked upload with no Content-Length cannot make the worker buffer it all.
 *
 * Pure: web streams only.
 */

import { HttpError } from './problem.ts'

/**
 * readBodyWithLimit returns the request body's bytes, or throws HttpError 413 as soon as the declared
 * Content-Length, or the bytes actually received, exceed `limit`.
 *
 * @example const bytes = await readBodyWithLimit(request, 1_048_576)
 */
export async function readBodyWithLimit(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () => new HttpError(413, `The request body exceeds the limit of ${limit} bytes`)
  const declared = Number(request.headers.get('Content-Length') ?? Number.NaN)
  if (declared > limit) throw tooLarge()
  if (request.body === null) return new Uint8Array(0)

  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.byteLength
    if (received > limit) {
      await reader.cancel()
      throw tooLarge()
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
