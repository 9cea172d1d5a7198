import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { PAGE_BYTE_BUDGET } from '../../src/documents/collection-page.ts'
import type { Env } from '../../src/env.ts'
import { canonicalJson } from '../../src/http/canonical-json.ts'
import type { DocumentMetadata } from '../../src/store/keys.ts'
import {
  AUTH,
  COLLECTION_URL,
  clearStore,
  etagOf,
  fetchWith,
  itemUrl,
  LARGE_BODY_BYTES,
  ORIGIN,
  observedKv,
  put,
  request,
  sha256Tag,
  sleep,
} from './api.ts'

beforeEach(clearStore)

interface Page {
  items: { id: string; value: unknown }[]
  next?: string
}

function collection(url = COLLECTION_URL, headers: Record<string, string> = {}): Promise<Response> {
  return fetchWith({}, url, { headers })
}

/** seed stores documents straight into KV, as the writers publish them, much faster than PUTs would. */
async function seed(
  resource: string,
  count: number,
  documentOf: (index: number) => unknown = (index) => ({ index }),
) {
  const kv = (env as Env).DOCUMENTS
  const lastModified = new Date().toUTCString()
  for (let start = 0; start < count; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - start) }, async (_, offset) => {
        const index = start + offset
        const bytes = new TextEncoder().encode(canonicalJson(documentOf(index)))
        const metadata = { etag: await sha256Tag(bytes), lastModified, size: bytes.byteLength }
        await kv.put(`${resource}:doc${String(index).padStart(5, '0')}`, bytes, { metadata })
      }),
    )
  }
}

/** walk follows `next` from the first page and returns every page's body and response. */
async function walk(first: string): Promise<{ pages: Page[]; responses: Response[] }> {
  const pages: Page[] = []
  const responses: Response[] = []
  let url: string | null = first
  while (url !== null) {
    const response = await collection(url)
    expect(response.status, url).toBe(200)
    const page = (await response.json()) as Page
    pages.push(page)
    responses.push(response)
    url = page.next === undefined ? null : `${ORIGIN}${page.next}`
    if (pages.length > 100) throw new Error('more than 100 pages')
  }
  return { pages, responses }
}

/** pageTag computes, independently of src/, the page tag the README describes: SHA-256 over ids, tags, next. */
async function pageTag(members: [string, string][], next: string | null): Promise<string> {
  return sha256Tag(new TextEncoder().encode(JSON.stringify({ items: members, next })))
}

describe('GET /api/items, the first page', () => {
  it('serves every item with its id, in id order, as canonical JSON, with no next when all fit', async () => {
    const pear = await put('pear', { name: 'Pear', z: 1, a: 2 })
    const upper = await put('Apple', { name: 'Apple' })
    const lower = await put('apple', { name: 'apple' })

    const response = await collection()
    const text = await response.text()

    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json')
    expect(response.headers.get('Link')).toBeNull()
    expect(text).toBe(
      '{"items":[{"id":"Apple","value":{"name":"Apple"}},{"id":"apple","value":{"name":"apple"}},' +
        '{"id":"pear","value":{"a":2,"name":"Pear","z":1}}]}',
    )
    expect(etagOf(response)).toBe(
      await pageTag(
        [
          ['Apple', etagOf(upper)],
          ['apple', etagOf(lower)],
          ['pear', etagOf(pear)],
        ],
        null,
      ),
    )
  })

  it('serves an empty collection when there are no documents', async () => {
    const response = await collection()
    expect(await response.text()).toBe('{"items":[]}')
    expect(etagOf(response)).toBe(await pageTag([], null))
  })

  it('answers HEAD with the validators of GET and no body', async () => {
    await put('pear', { name: 'Pear' })
    const full = await collection()
    const head = await fetchWith({}, COLLECTION_URL, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(head.headers.get('ETag')).toBe(full.headers.get('ETag'))
  })

  it('carries no Last-Modified, so that a delete can never make a page look older', async () => {
    await put('pear', { name: 'Pear' })
    const response = await collection()
    expect(response.headers.get('Last-Modified')).toBeNull()
    // If-Modified-Since is then ignored (RFC 9110 section 13.1.3): a full answer.
    expect((await collection(COLLECTION_URL, { 'If-Modified-Since': new Date().toUTCString() })).status).toBe(
      200,
    )
  })

  it('answers a matching If-None-Match with 304 from one KV list, reading no document', async () => {
    await put('pear', { name: 'Pear' })
    const etag = etagOf(await collection())
    const { kv, calls } = observedKv((env as Env).DOCUMENTS)

    const response = await fetchWith({ DOCUMENTS: kv }, COLLECTION_URL, {
      headers: { 'If-None-Match': etag },
    })

    expect(response.status).toBe(304)
    expect(response.headers.get('ETag')).toBe(etag)
    expect(calls.operations).toEqual(['list'])
  })

  it('answers a failing If-Match with 412', async () => {
    await put('pear', { name: 'Pear' })
    expect((await collection(COLLECTION_URL, { 'If-Match': '"stale"' })).status).toBe(412)
  })

  it('changes its ETag after a write and after a delete, and keeps it across a byte-identical PUT', async () => {
    await put('pear', { name: 'Pear' })
    await put('plum', { name: 'Plum' })
    const first = etagOf(await collection())

    // A byte-identical PUT changes nothing.
    await put('pear', { a: undefined, name: 'Pear' })
    expect(etagOf(await collection())).toBe(first)

    // A change of one member changes the page.
    await sleep(1_000)
    await put('pear', { name: 'Ripe pear' })
    const changed = await collection(COLLECTION_URL, { 'If-None-Match': first })
    expect(changed.status).toBe(200)
    const second = etagOf(changed)

    // A delete changes it again.
    await request(itemUrl('plum'), { method: 'DELETE', headers: AUTH })
    const deleted = await collection(COLLECTION_URL, { 'If-None-Match': second })
    expect(deleted.status).toBe(200)
    expect(await deleted.json()).toEqual({ items: [{ id: 'pear', value: { name: 'Ripe pear' } }] })
  })
})

describe('pagination', () => {
  it('yields every document exactly once, in id order, when following next from the first page', async () => {
    await seed('items', 250)

    const { pages, responses } = await walk(`${COLLECTION_URL}?limit=100`)

    expect(pages.map((page) => page.items.length)).toEqual([100, 100, 50])
    const ids = pages.flatMap((page) => page.items.map((item) => item.id))
    expect(ids).toEqual(Array.from({ length: 250 }, (_, index) => `doc${String(index).padStart(5, '0')}`))
    // next is also the Link with rel="next" (RFC 8288), and the last page has neither.
    responses.forEach((response, index) => {
      const next = pages[index]?.next
      expect(response.headers.get('Link')).toBe(next === undefined ? null : `<${next}>; rel="next"`)
    })
    expect(pages[0]?.next).toMatch(/^\/api\/items\?limit=100&cursor=[A-Za-z0-9_.-]+$/)
  })

  it('uses a limit of 100 by default, and honours limits from 1 to 1000', async () => {
    await seed('items', 120)
    expect(((await (await collection()).json()) as Page).items).toHaveLength(100)
    expect(((await (await collection(`${COLLECTION_URL}?limit=1`)).json()) as Page).items).toHaveLength(1)
    expect(((await (await collection(`${COLLECTION_URL}?limit=1000`)).json()) as Page).items).toHaveLength(
      120,
    )
    const { pages } = await walk(`${COLLECTION_URL}?limit=7`)
    expect(pages).toHaveLength(18)
    expect(new Set(pages.flatMap((page) => page.items.map((item) => item.id))).size).toBe(120)
  })

  it('answers 304 on a later page, and 200 again once one of its documents changes', async () => {
    await seed('items', 5)
    const first = (await (await collection(`${COLLECTION_URL}?limit=2`)).json()) as Page
    const secondUrl = `${ORIGIN}${first.next}`
    const second = await collection(secondUrl)
    const etag = etagOf(second)
    const members = ((await second.json()) as Page).items.map((item) => item.id)

    expect((await collection(secondUrl, { 'If-None-Match': etag })).status).toBe(304)

    // A member of that page changes.
    await put(members[0] ?? '', { changed: true })
    expect((await collection(secondUrl, { 'If-None-Match': etag })).status).toBe(200)
  })

  it.each([
    { query: 'limit=0', why: 'a limit below 1' },
    { query: 'limit=1001', why: 'a limit above 1000' },
    { query: 'limit=ten', why: 'a limit that is not a number' },
    { query: 'limit=1.5', why: 'a fractional limit' },
    { query: 'limit=', why: 'an empty limit' },
    { query: 'limit=5&limit=6', why: 'a limit given twice' },
    { query: 'cursor=garbage', why: 'a cursor this API did not make' },
    { query: 'cursor=', why: 'an empty cursor' },
    { query: `cursor=${'A'.repeat(10_000)}.abcdefghijkl`, why: 'a 10 000-character cursor' },
  ])('answers 400 problem+json to $why', async ({ query }) => {
    const response = await collection(`${COLLECTION_URL}?${query}`)
    expect(response.status).toBe(400)
    expect(response.headers.get('Content-Type')).toBe('application/problem+json')
    expect(((await response.json()) as { detail: string }).detail).toMatch(/limit|cursor/)
  })

  it('answers 400 to a cursor made for another resource, or altered', async () => {
    await seed('items', 3)
    await seed('tasks', 3, (index) => ({ title: `t${index}`, done: false }))
    const next = ((await (await collection(`${COLLECTION_URL}?limit=1`)).json()) as Page).next ?? ''
    const cursor = new URLSearchParams(next.split('?')[1]).get('cursor') ?? ''

    expect((await collection(`${ORIGIN}/api/tasks?limit=1&cursor=${cursor}`)).status).toBe(400)
    const altered = `${cursor.at(0) === 'A' ? 'B' : 'A'}${cursor.slice(1)}`
    expect((await collection(`${COLLECTION_URL}?limit=1&cursor=${altered}`)).status).toBe(400)
    expect((await collection(`${COLLECTION_URL}?limit=1&cursor=${cursor}`)).status).toBe(200)
  })

  it('serves 26 documents of 1 MiB in pages that stop short of the limit, never a 503', async () => {
    const filler = 'x'.repeat(1_048_576 - 16)
    await seed('items', 26, (index) => ({ i: index, s: filler }))
    const { kv, calls } = observedKv((env as Env).DOCUMENTS)

    const first = await fetchWith({ DOCUMENTS: kv }, COLLECTION_URL)
    expect(first.status).toBe(200)
    const page = (await first.json()) as Page
    expect(page.items.length).toBeGreaterThan(0)
    expect(page.items.length).toBeLessThan(26)
    expect(page.next).toBeDefined()
    // Each bulk read stays far under KV's 25 MiB per read.
    expect(
      calls.operations.filter((operation) => operation === 'getWithMetadata:text').length,
    ).toBeGreaterThan(0)

    const { pages } = await walk(COLLECTION_URL)
    expect(pages.flatMap((each) => each.items.map((item) => item.id))).toHaveLength(26)
  }, 60_000)
})

/**
 * listingRewritten wraps the local KV so that its listings say something other than the values (as a listing
 * cached at an edge may, while the values moved on): `rewrite` changes each listed key.
 */
function listingRewritten(
  rewrite: (key: KVNamespaceListKey<DocumentMetadata>) => KVNamespaceListKey<DocumentMetadata>[],
): KVNamespace {
  const kv = (env as Env).DOCUMENTS
  return new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property)
      if (property !== 'list') return typeof value === 'function' ? value.bind(target) : value
      return async (options: KVNamespaceListOptions) => {
        const listed = await target.list<DocumentMetadata>(options)
        return { ...listed, keys: listed.keys.flatMap(rewrite) }
      }
    },
  })
}

/** pageBytesOf returns a page response's body, with its length in bytes. */
async function pageBytesOf(response: Response): Promise<{ page: Page; length: number; text: string }> {
  const bytes = new Uint8Array(await response.arrayBuffer())
  const text = new TextDecoder().decode(bytes)
  return { page: JSON.parse(text) as Page, length: bytes.byteLength, text }
}

describe('a page read while KV moves on', () => {
  it('is tagged with the tags of the documents it read, not with those of an older listing', async () => {
    await seed('items', 3)
    const stale = listingRewritten((key) =>
      key.name === 'items:doc00001'
        ? [{ ...key, metadata: { ...(key.metadata as DocumentMetadata), etag: '"older"' } }]
        : [key],
    )

    const response = await fetchWith({ DOCUMENTS: stale }, COLLECTION_URL)
    const { page, text } = await pageBytesOf(response)

    // The same ids as listed, but one member's bytes are not those the listing's tag names.
    expect(page.items.map((item) => item.id)).toEqual(['doc00000', 'doc00001', 'doc00002'])
    const members = await Promise.all(
      page.items.map(
        async (item): Promise<[string, string]> => [
          item.id,
          await sha256Tag(new TextEncoder().encode(canonicalJson(item.value))),
        ],
      ),
    )
    expect(etagOf(response)).toBe(await pageTag(members, null))
    expect(etagOf(response)).not.toBe(
      await pageTag(
        members.map(([id, tag]) => [id, id === 'doc00001' ? '"older"' : tag]),
        null,
      ),
    )
    // And it is the tag an unchanged listing gives the same bytes.
    expect(etagOf(await collection())).toBe(etagOf(response))
    expect(text).toBe(await (await collection()).text())
  })

  it('leaves out a member deleted between the listing and the read, and is tagged for what it serves', async () => {
    await seed('items', 2)
    const withGhost = listingRewritten((key) =>
      key.name === 'items:doc00000' ? [key, { ...key, name: 'items:doc00000-gone' }] : [key],
    )

    const response = await fetchWith({ DOCUMENTS: withGhost }, COLLECTION_URL)
    const { page } = await pageBytesOf(response)

    expect(page.items.map((item) => item.id)).toEqual(['doc00000', 'doc00001'])
    expect(etagOf(response)).toBe(etagOf(await collection()))
  })

  it('stays within its byte budget, counted on the bytes read, when the listing says the documents are small', async () => {
    // Twenty documents of 1 MiB, listed as 100 bytes each (as before they grew): by the listing all fit.
    const filler = 'x'.repeat(1_048_576 - 16)
    await seed('items', 20, (index) => ({ i: index, s: filler }))
    const small = listingRewritten((key) => [
      { ...key, metadata: { ...(key.metadata as DocumentMetadata), size: 100 } },
    ])
    const { kv, calls } = observedKv(small)
    const settings = { DOCUMENTS: kv, MAX_BODY_BYTES: String(LARGE_BODY_BYTES) }

    const seen: string[] = []
    let url: string | null = COLLECTION_URL
    while (url !== null) {
      const response = await fetchWith(settings, url)
      expect(response.status).toBe(200)
      const { page, length } = await pageBytesOf(response)
      expect(length).toBeLessThanOrEqual(PAGE_BYTE_BUDGET + 1_024)
      expect(page.items.length).toBeGreaterThan(0)
      seen.push(...page.items.map((item) => item.id))
      url = page.next === undefined ? null : `${ORIGIN}${page.next}`
    }

    // Every document once, in order, over pages of 8 MiB at most.
    expect(seen).toEqual(Array.from({ length: 20 }, (_, index) => `doc${String(index).padStart(5, '0')}`))
    // No bulk read could have returned more than KV's 25 MiB, had every document been as large as allowed.
    for (const keys of calls.bulkKeys) expect(keys * LARGE_BODY_BYTES).toBeLessThanOrEqual(25 * 1_048_576)
  }, 60_000)
})

describe('the cost of a page', () => {
  async function countOperations(headers: Record<string, string>): Promise<string[]> {
    const { kv, calls } = observedKv((env as Env).DOCUMENTS)
    // At a body limit of 256 KiB a page of 100 is planned as one bulk read (at the default 1 MiB, four).
    const response = await fetchWith({ DOCUMENTS: kv, MAX_BODY_BYTES: '262144' }, COLLECTION_URL, { headers })
    await response.arrayBuffer()
    return calls.operations
  }

  it('is the same KV operations for page 1 with 100 documents and with 10 000 (200 and 304)', async () => {
    await seed('items', 100)
    const small200 = await countOperations({})
    const small304 = await countOperations({ 'If-None-Match': etagOf(await collection()) })

    await seed('items', 10_000)
    const large200 = await countOperations({})
    const large304 = await countOperations({ 'If-None-Match': etagOf(await collection()) })

    // One list; one bulk read of the page's 100 documents for the 200; nothing else.
    expect(small200).toEqual(['list', 'getWithMetadata:text'])
    expect(small304).toEqual(['list'])
    expect(large200).toEqual(small200)
    expect(large304).toEqual(small304)
  }, 120_000)
})
