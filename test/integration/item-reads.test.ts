import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Env } from '../../src/env.ts'
import { clearStore, etagOf, fetchWith, get, itemUrl, observedKv, put, request, sha256Tag } from './api.ts'

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
    expect(response.headers.get('Last-Modified')).not.toBeNull()
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
    ['a weak form of the tag', (etag: string) => `W/${etag}`],
    ['the tag inside a list', (etag: string) => `"other", ${etag}`],
    ['*', () => '*'],
  ])('answers 304 to If-None-Match with %s', async (_, header) => {
    const etag = etagOf(await put('kiwi', { name: 'Kiwi' }))
    expect((await get('kiwi', { 'If-None-Match': header(etag) })).status).toBe(304)
  })

  it.each([
    ['another tag', '"other"'],
    ['a malformed value', '"unterminated'],
  ])('answers 200 with the body to If-None-Match with %s', async (_, header) => {
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

  it('answers a 304 for a 1 MB item without reading its value', async () => {
    const big = { blob: 'x'.repeat(1_000_000) }
    const etag = etagOf(await put('big', big))
    const { kv, calls } = observedKv((env as Env).DOCUMENTS)

    const response = await fetchWith({ DOCUMENTS: kv }, itemUrl('big'), {
      headers: { 'If-None-Match': etag },
    })

    expect(response.status).toBe(304)
    expect(calls.operations).toEqual(['getWithMetadata:stream'])
    expect(calls.streamedBytes).toBe(0)
  })

  it('serves a 200 by streaming the stored bytes, read once', async () => {
    await put('big', { blob: 'x'.repeat(300_000) })
    const { kv, calls } = observedKv((env as Env).DOCUMENTS)

    const response = await fetchWith({ DOCUMENTS: kv }, itemUrl('big'))
    const bytes = await response.arrayBuffer()

    expect(response.status).toBe(200)
    expect(calls.operations).toEqual(['getWithMetadata:stream'])
    expect(calls.streamedBytes).toBe(bytes.byteLength)
    expect(etagOf(response)).toBe(await sha256Tag(bytes))
  })
})
