import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Env } from '../../src/env.ts'
import { canonicalJson } from '../../src/http/canonical-json.ts'
import { computeCollection } from '../../src/items/collection.ts'
import { KvItemStore } from '../../src/store/item-store.ts'
import {
  AUTH,
  COLLECTION_URL,
  clearStore,
  etagOf,
  fetchWith,
  itemUrl,
  observedKv,
  put,
  request,
  sha256Tag,
  sleep,
} from './api.ts'

beforeEach(clearStore)

function collection(headers: Record<string, string> = {}): Promise<Response> {
  return fetchWith({}, COLLECTION_URL, { headers })
}

describe('GET /api/items', () => {
  it('serves every item with its id, in id order, as canonical JSON tagged with its SHA-256', async () => {
    await put('pear', { name: 'Pear', z: 1, a: 2 })
    await put('Apple', { name: 'Apple' })
    await put('apple', { name: 'apple' })

    const response = await collection()
    const bytes = await response.arrayBuffer()
    const text = new TextDecoder().decode(bytes)

    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json')
    expect(JSON.parse(text)).toEqual({
      items: [
        { id: 'Apple', value: { name: 'Apple' } },
        { id: 'apple', value: { name: 'apple' } },
        { id: 'pear', value: { a: 2, name: 'Pear', z: 1 } },
      ],
    })
    expect(text).toBe(canonicalJson(JSON.parse(text)))
    expect(etagOf(response)).toBe(await sha256Tag(bytes))
  })

  it('serves an empty collection when there are no items', async () => {
    const response = await collection()
    expect(await response.json()).toEqual({ items: [] })
  })

  it('answers HEAD with the validators of GET', async () => {
    await put('pear', { name: 'Pear' })
    const full = await collection()
    const head = await fetchWith({}, COLLECTION_URL, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(head.headers.get('ETag')).toBe(full.headers.get('ETag'))
    expect(head.headers.get('Last-Modified')).toBe(full.headers.get('Last-Modified'))
  })

  it('answers a matching If-None-Match with 304 from its validator record, without listing the items', async () => {
    await put('pear', { name: 'Pear' })
    const etag = etagOf(await collection())
    const { kv, calls } = observedKv((env as Env).ITEMS)

    const response = await fetchWith({ ITEMS: kv }, COLLECTION_URL, { headers: { 'If-None-Match': etag } })

    expect(response.status).toBe(304)
    expect(response.headers.get('ETag')).toBe(etag)
    expect(calls.operations).toEqual(['get:json'])
  })

  it('changes its ETag after a write, and a stale If-None-Match then gets the new collection', async () => {
    await put('pear', { name: 'Pear' })
    const before = etagOf(await collection())

    await put('pear', { name: 'Ripe pear' })
    const response = await collection({ 'If-None-Match': before })

    expect(response.status).toBe(200)
    expect(etagOf(response)).not.toBe(before)
    expect(await response.json()).toEqual({ items: [{ id: 'pear', value: { name: 'Ripe pear' } }] })
  })

  it('keeps ETag and Last-Modified across reads and byte-identical re-PUTs', async () => {
    await put('pear', { name: 'Pear' })
    const first = await collection()
    await sleep(1100)
    await put('pear', { name: 'Pear' })
    const second = await collection()

    expect(etagOf(second)).toBe(etagOf(first))
    expect(second.headers.get('Last-Modified')).toBe(first.headers.get('Last-Modified'))
  })

  it('moves Last-Modified to the time of the write that changed it, deletes included', async () => {
    await put('pear', { name: 'Pear' })
    await put('plum', { name: 'Plum' })
    const first = await collection()
    await sleep(1100)

    // A delete changes the collection; Last-Modified becomes the time of the delete, not of the next read.
    await request(itemUrl('plum'), { method: 'DELETE', headers: AUTH })
    const deletedAt = Date.now()
    await sleep(2_500)
    const second = await collection()

    const firstModified = Date.parse(first.headers.get('Last-Modified') ?? '')
    const secondModified = Date.parse(second.headers.get('Last-Modified') ?? '')
    expect(etagOf(second)).not.toBe(etagOf(first))
    expect(secondModified).toBeGreaterThan(firstModified)
    // The second of the delete, or the next one when the collection had already changed in that second.
    expect(secondModified).toBeLessThanOrEqual(deletedAt + 1_000)
  })

  it('changes its ETag at once, and moves Last-Modified within a second, when two writes fall in one second', async () => {
    await put('pear', { name: 'Pear' })
    const first = await collection()
    await put('plum', { name: 'Plum' })

    // The second write invalidates the tag at once.
    expect((await collection({ 'If-None-Match': etagOf(first) })).status).toBe(200)
    // Last-Modified cannot move into the future; the writer moves it once the second is over.
    await sleep(1_200)
    const second = await collection({ 'If-Modified-Since': first.headers.get('Last-Modified') ?? '' })

    expect(second.status).toBe(200)
    const firstModified = Date.parse(first.headers.get('Last-Modified') ?? '')
    expect(Date.parse(second.headers.get('Last-Modified') ?? '')).toBeGreaterThan(firstModified)
  })

  it('reads the items in bulk: one list and one get per hundred items', async () => {
    for (let index = 0; index < 120; index++)
      await (env as Env).ITEMS.put(`item:${String(index).padStart(3, '0')}`, '{}')
    const { kv, calls } = observedKv((env as Env).ITEMS)
    const response = await fetchWith({ ITEMS: kv }, COLLECTION_URL)
    expect(((await response.json()) as { items: unknown[] }).items).toHaveLength(120)
    expect(calls.operations.filter((operation) => operation === 'get:text')).toHaveLength(2)
    expect(calls.operations.filter((operation) => operation === 'list')).toHaveLength(1)
  })

  it('answers 304 to If-Modified-Since at its Last-Modified', async () => {
    await put('pear', { name: 'Pear' })
    const lastModified = (await collection()).headers.get('Last-Modified') ?? ''
    expect((await collection({ 'If-Modified-Since': lastModified })).status).toBe(304)
  })

  it('answers 405 with Allow to methods other than GET, HEAD and OPTIONS', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await request(COLLECTION_URL, { method, headers: AUTH })
      expect(response.status, method).toBe(405)
      expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS')
    }
  })
})

describe('the collection validator record', () => {
  it('is not refreshed over a mark that landed, in the same second, while the collection was computed', async () => {
    const store = new KvItemStore((env as Env).ITEMS)
    await put('pear', { name: 'Pear' })
    const seen = await store.getCollectionRecord()
    expect(seen?.etag).toBeNull()
    const mark = { etag: null, lastModified: seen?.lastModified ?? '', change: 'another-write' }

    // Another write marks the collection changed, in the same second, just as the refresh reads the record.
    const racing = new Proxy(store, {
      get(target, property) {
        if (property === 'getCollectionRecord') {
          return async () => {
            await target.putCollectionRecord(mark)
            return target.getCollectionRecord()
          }
        }
        const value = Reflect.get(target, property)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const deferred: Promise<unknown>[] = []
    await computeCollection(racing, seen, (work) => deferred.push(work))
    await Promise.all(deferred)

    expect(await store.getCollectionRecord()).toEqual(mark)
  })
})
