import { describe, expect, it } from 'vitest'
import { HttpError } from '../../src/http/problem.ts'
import { readBodyWithLimit } from '../../src/http/read-body.ts'

const LIMIT = 1024

const put = (body: BodyInit | null, headers: Record<string, string> = {}): Request =>
  new Request('https://x/', { method: 'PUT', body, headers })

// A body of `length` bytes that uses every byte value.
function patterned(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 7 + 3) & 0xff)
}

// A stream of `chunks`, one per pull, recording how many were pulled and whether it was cancelled.
function chunkedStream(chunks: readonly Uint8Array[]) {
  const state = { pulled: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[state.pulled]
        state.pulled++
        if (chunk) controller.enqueue(chunk)
        else controller.close()
      },
      cancel() {
        state.cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, state }
}

// An endless stream of 256-byte chunks, as from a chunked upload that never stops.
function endlessStream() {
  const state = { pulled: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulled++
        controller.enqueue(new Uint8Array(256))
      },
      cancel() {
        state.cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, state }
}

async function rejectionOf(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof HttpError) return error
    throw new Error(`expected an HttpError, got ${String(error)}`)
  }
  throw new Error('expected the read to fail')
}

describe('readBodyWithLimit', () => {
  it('returns the exact bytes of a body within the limit', async () => {
    const bytes = patterned(500)
    expect(await readBodyWithLimit(put(bytes), LIMIT)).toEqual(bytes)
  })

  it('returns the bytes of a text body', async () => {
    const bytes = await readBodyWithLimit(put('{"name":"caf\u00e9"}'), LIMIT)
    expect(new TextDecoder().decode(bytes)).toBe('{"name":"caf\u00e9"}')
  })

  it('accepts a body of exactly the limit', async () => {
    const bytes = patterned(LIMIT)
    expect(await readBodyWithLimit(put(bytes), LIMIT)).toEqual(bytes)
  })

  it('accepts a body of exactly the limit that declares its Content-Length', async () => {
    const bytes = patterned(LIMIT)
    expect(await readBodyWithLimit(put(bytes, { 'Content-Length': String(LIMIT) }), LIMIT)).toEqual(bytes)
  })

  it('accepts a streamed body of exactly the limit', async () => {
    const { stream } = chunkedStream([patterned(LIMIT / 2), patterned(LIMIT / 2)])
    const bytes = await readBodyWithLimit(put(stream), LIMIT)
    expect(bytes).toEqual(Uint8Array.from([...patterned(LIMIT / 2), ...patterned(LIMIT / 2)]))
  })

  it('joins a streamed body from its chunks in order', async () => {
    const chunks = [Uint8Array.of(1, 2), Uint8Array.of(3), new Uint8Array(0), Uint8Array.of(4, 5, 6)]
    const { stream } = chunkedStream(chunks)
    expect(await readBodyWithLimit(put(stream), LIMIT)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6))
  })

  it('returns an empty array for a request without a body', async () => {
    const bytes = await readBodyWithLimit(new Request('https://x/', { method: 'PUT' }), LIMIT)
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(bytes.byteLength).toBe(0)
  })

  it('returns an empty array for an empty body', async () => {
    const bytes = await readBodyWithLimit(put(''), LIMIT)
    expect(bytes.byteLength).toBe(0)
  })

  it('returns an empty array for an empty stream', async () => {
    const { stream } = chunkedStream([])
    expect((await readBodyWithLimit(put(stream), LIMIT)).byteLength).toBe(0)
  })

  it('answers 413 to a body one byte over the limit', async () => {
    const error = await rejectionOf(readBodyWithLimit(put(patterned(LIMIT + 1)), LIMIT))
    expect(error.status).toBe(413)
    expect(error.message).toContain(String(LIMIT))
  })

  it('answers 413 to a declared Content-Length over the limit without reading the body', async () => {
    const { stream, state } = chunkedStream([patterned(10)])
    const request = put(stream, { 'Content-Length': String(LIMIT + 1) })
    const error = await rejectionOf(readBodyWithLimit(request, LIMIT))
    expect(error.status).toBe(413)
    expect(state.pulled).toBe(0)
    expect(request.bodyUsed).toBe(false)
  })

  it('answers 413 to a stream with no Content-Length that grows past the limit, and cancels it', async () => {
    const { stream, state } = endlessStream()
    const request = put(stream)
    expect(request.headers.get('Content-Length')).toBeNull()
    const error = await rejectionOf(readBodyWithLimit(request, LIMIT))
    expect(error.status).toBe(413)
    expect(state.cancelled).toBe(true)
    // It stops soon after the limit: 1024 bytes is four chunks, so the fifth is the one that overflows.
    expect(state.pulled).toBeLessThanOrEqual(8)
  })

  it('answers 413 to a stream that passes the limit in its last chunk', async () => {
    const { stream, state } = chunkedStream([patterned(LIMIT - 1), patterned(2)])
    const error = await rejectionOf(readBodyWithLimit(put(stream), LIMIT))
    expect(error.status).toBe(413)
    expect(state.cancelled).toBe(true)
  })

  it('answers 413 to a stream that sends more than its declared Content-Length allows', async () => {
    const { stream } = chunkedStream([patterned(LIMIT), patterned(LIMIT)])
    const error = await rejectionOf(readBodyWithLimit(put(stream, { 'Content-Length': '10' }), LIMIT))
    expect(error.status).toBe(413)
  })
})
