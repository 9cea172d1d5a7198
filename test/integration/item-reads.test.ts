import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Env } from '../../src/env.ts'
import {
  clearStore,
  etagOf,
  fetchWith,
  get,
  itemUrl,
  observedKv,
  put,
  putWithLimit,
  request,
  sha256Tag,
} from './api.ts'

beforeEach(clearStore)

describe('GET /api/items/:id', () => {
  it('serves the stored canonical bytes with validators that describe them', async () => {
    await put('apple', '{ "price": 0.50, "name": "Apple" }')

    const response = await get('apple')
    const bytes = await response.arrayBuffer()
    expect(response.status).toBe(200)
    expect(new TextDecoder().decode(bytes)).toBe('{"name":"Apple","price":0.5}')
    expect(response.headers.get('Content-Type')).toBe('application/json')
    expect(response.headers.get('Cache-Control')).toBe('no-cache, max-age=0')
    expect(etagOf(response)).toBe(await sha256Tag(bytes))
    expect(response.headers.get('Last-Modified')).toMatch(
      /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
    )
    expect(response.headers.get('Date')).not.toBeNull()
  })

  it('answers 404 problem+json for an item that does not exist', async () => {
    const response = await get('missing')
    expect(response.status).toBe(404)
    expect(response.headers.get('Content-Type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not Found' })
  })

  it('answers 404, not 304, to If-None-Match: * on a missing item', async () => {
    expect((await get('missing', { 'If-None-Match': '*' })).status).toBe(404)
    expect((await get('missing', { 'If-None-Match': '"abc"' })).status).toBe(404)
  })

  it('answers 400 for an id outside [A-Za-z0-9._~-]{1,128}', async () => {
    for (const id of ['a%2Fb', 'caf%C3%A9', 'a%20b', 'x'.repeat(129)]) {
      expect((await get(id)).status, id).toBe(400)
    }
    expect((await get('x'.repeat(128))).status).toBe(404)
  })
})

describe('HEAD /api/items/:id', () => {
  it("carries GET's validators and no body", async () => {
    await put('pear', { name: 'Pear' })
    const full = await get('pear')
    const head = await request(itemUrl('pear'), { method: 'HEAD' })

    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    for (const name of ['ETag', 'Last-Modified', 'Content-Type', 'Cache-Control']) {
      expect(head.headers.get(name), name).toBe(full.headers.get(name))
    }
  })

  it('answers 304 to a matching If-None-Match', async () => {
    const etag = etagOf(await put('pear', { name: 'Pear' }))
    const head = await request(itemUrl('pear'), { method: 'HEAD', headers: { 'If-None-Match': etag } })
    expect(head.status).toBe(304)
  })
})

describe('conditional GET of an item', () => {
  it('answers 304 with the retained headers and no body when If-None-Match matches', async () => {
    const etag = etagOf(await put('kiwi', { name: 'Kiwi' }))
    const response = await get('kiwi', { 'If-None-Match': etag })

    expect(response.status).toBe(304)
    expect(await response.text()).toBe('')
    expect(response.headers.get('ETag')).toBe(etag)
    expect(response.headers.get('Cache-Control')).toBe('no-cache, max-age=0')
    // Beside an ETag, RFC 9110 section 15.4.5 asks for no Last-Modified: the client keeps the one it has.
    expect(response.headers.get('Last-Modified')).toBeNull()
    expect(response.headers.get('Date')).not.toBeNull()
    expect(response.headers.get('Content-Type')).toBeNull()
    expect(response.headers.get('Content-Length') ?? '0').toBe('0')
  })

  it('still answers 304 when the request says Cache-Control: no-cache, as Node fetch does', async () => {
    const etag = etagOf(await put('kiwi', { name: 'Kiwi' }))
    const response = await get('kiwi', {
      'If-None-Match': etag,
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
    })
    expect(response.status).toBe(304)
  })

  it.each([
    { value: 'a weak form of the tag', header: (etag: string) => `W/${etag}` },
    { value: 'the tag inside a list', header: (etag: string) => `"other", ${etag}` },
    { value: '*', header: () => '*' },
  ])('answers 304 to If-None-Match with $value', async ({ header }) => {
    const etag = etagOf(await put('kiwi', { name: 'Kiwi' }))
    expect((await get('kiwi', { 'If-None-Match': header(etag) })).status).toBe(304)
  })

  it.each([
    { value: 'another tag', header: '"other"' },
    { value: 'a malformed value', header: '"unterminated' },
  ])('answers 200 with the body to If-None-Match with $value', async ({ header }) => {
    await put('kiwi', { name: 'Kiwi' })
    const response = await get('kiwi', { 'If-None-Match': header })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ name: 'Kiwi' })
  })

  it('answers 304 to If-Modified-Since at or after Last-Modified, and 200 before it', async () => {
    const lastModified = (await put('kiwi', { name: 'Kiwi' })).headers.get('Last-Modified') ?? ''
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString()

    expect((await get('kiwi', { 'If-Modified-Since': lastModified })).status).toBe(304)
    expect((await get('kiwi', { 'If-Modified-Since': earlier })).status).toBe(200)
  })

  it('ignores If-Modified-Since when If-None-Match is present', async () => {
    const put1 = await put('kiwi', { name: 'Kiwi' })
    const lastModified = put1.headers.get('Last-Modified') ?? ''
    const response = await get('kiwi', { 'If-None-Match': '"other"', 'If-Modified-Since': lastModified })
    expect(response.status).toBe(200)
  })

  it('ignores an If-Modified-Since that is not an HTTP-date', async () => {
    await put('kiwi', { name: 'Kiwi' })
    expect((await get('kiwi', { 'If-Modified-Since': '2999-01-01T00:00:00Z' })).status).toBe(200)
  })

  it('answers 412 to a GET whose If-Match does not match', async () => {
    const etag = etagOf(await put('kiwi', { name: 'Kiwi' }))
    expect((await get('kiwi', { 'If-Match': '"other"' })).status).toBe(412)
    expect((await get('kiwi', { 'If-Match': etag })).status).toBe(200)
  })
})

/** ValueStreams records what the worker did with the value streams a wrapped KV handed it. */
interface ValueStreams {
  opened: number
  cancelled: number
}

/**
 * cancelWatchedKv wraps a KV namespace, as observedKv does, so a test can see whether the worker cancelled the
 * value streams it was given. It pulls from the wrapped stream only when the worker pulls, so the bytes that
 * observedKv counts underneath are still exactly the bytes the worker read.
 */
function cancelWatchedKv(kv: KVNamespace): { kv: KVNamespace; streams: ValueStreams } {
  const streams: ValueStreams = { opened: 0, cancelled: 0 }
  const wrapped = new Proxy(kv, {
    get(target, property, receiver) {
      const original = Reflect.get(target, property, receiver)
      if (property !== 'getWithMetadata' || typeof original !== 'function') return original
      return async (...args: unknown[]) => {
        const result = await original.apply(target, args)
        if (!(result?.value instanceof ReadableStream)) return result
        streams.opened++
        const reader = (result.value as ReadableStream<Uint8Array>).getReader()
        const value = new ReadableStream<Uint8Array>(
          {
            async pull(controller) {
              const { done, value: chunk } = await reader.read()
              if (done) return controller.close()
              controller.enqueue(chunk)
            },
            cancel(reason) {
              streams.cancelled++
              return reader.cancel(reason)
            },
          },
          { highWaterMark: 0 },
        )
        return { ...result, value }
      }
    },
  })
  return { kv: wrapped, streams }
}

/** StoredItem is what a test knows of the item it stored: its validators and its size in bytes. */
interface StoredItem {
  etag: string
  lastModified: string
  size: number
}

describe('reads of a 1 MB item, validators first', () => {
  const big = { blob: 'x'.repeat(1_000_000) }

  /** storeBig stores the 1 MB item and returns its validators and size, as a 200 serves them. */
  async function storeBig(): Promise<StoredItem> {
    const created = await putWithLimit('big', JSON.stringify(big))
    const size = (await created.arrayBuffer()).byteLength
    return { etag: etagOf(created), lastModified: created.headers.get('Last-Modified') ?? '', size }
  }

  /** watchedFetch sends one request to the worker over the real KV, wrapped to count and watch its streams. */
  async function watchedFetch(init: RequestInit) {
    const observed = observedKv((env as Env).DOCUMENTS)
    const watched = cancelWatchedKv(observed.kv)
    const response = await fetchWith({ DOCUMENTS: watched.kv }, itemUrl('big'), init)
    return { response, calls: observed.calls, streams: watched.streams }
  }

  const secondBefore = (date: string) => new Date(Date.parse(date) - 1000).toUTCString()

  it.each([
    {
      answer: 'a 304 to a GET whose If-None-Match matches',
      method: 'GET',
      conditions: ({ etag }: StoredItem) => ({ 'If-None-Match': etag }),
      status: 304,
    },
    {
      answer: 'a 304 to a GET whose If-Modified-Since is Last-Modified',
      method: 'GET',
      conditions: ({ lastModified }: StoredItem) => ({ 'If-Modified-Since': lastModified }),
      status: 304,
    },
    { answer: 'a 200 to an unconditional HEAD', method: 'HEAD', conditions: () => ({}), status: 200 },
    {
      answer: 'a 304 to a HEAD whose If-None-Match matches',
      method: 'HEAD',
      conditions: ({ etag }: StoredItem) => ({ 'If-None-Match': etag }),
      status: 304,
    },
    {
      answer: 'a 412 to a GET whose If-Match names another tag',
      method: 'GET',
      conditions: () => ({ 'If-Match': '"other"' }),
      status: 412,
    },
    {
      answer: 'a 412 to a GET whose If-Unmodified-Since is before Last-Modified',
      method: 'GET',
      conditions: ({ lastModified }: StoredItem) => ({ 'If-Unmodified-Since': secondBefore(lastModified) }),
      status: 412,
    },
  ])('answers $answer without pulling a byte of the value, and cancels its stream', async (row) => {
    const stored = await storeBig()

    const { response, calls, streams } = await watchedFetch({
      method: row.method,
      headers: row.conditions(stored),
    })
    const body = await response.text()

    expect(response.status).toBe(row.status)
    expect(body).not.toContain(big.blob.slice(0, 100))
    expect(response.headers.get('ETag')).toBe(stored.etag)
    expect(calls.operations).toEqual(['getWithMetadata:stream'])
    expect(calls.streamedBytes).toBe(0)
    expect(streams).toEqual({ opened: 1, cancelled: 1 })
  })

  it('answers a 200 to a GET whose If-None-Match does not match by pulling every byte once, cancelling nothing', async () => {
    const stored = await storeBig()

    const { response, calls, streams } = await watchedFetch({ headers: { 'If-None-Match': '"other"' } })
    const bytes = await response.arrayBuffer()

    expect(response.status).toBe(200)
    expect(bytes.byteLength).toBe(stored.size)
    expect(etagOf(response)).toBe(await sha256Tag(bytes))
    expect(etagOf(response)).toBe(stored.etag)
    expect(calls.operations).toEqual(['getWithMetadata:stream'])
    expect(calls.streamedBytes).toBe(stored.size)
    expect(streams).toEqual({ opened: 1, cancelled: 0 })
  })
})
