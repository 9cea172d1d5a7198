import { beforeEach, describe, expect, it } from 'vitest'
import {
  AUTH,
  clearStore,
  etagOf,
  get,
  itemUrl,
  put,
  putWithLimit,
  request,
  sha256Tag,
  sleep,
} from './api.ts'

beforeEach(clearStore)

function remove(id: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(itemUrl(id), { method: 'DELETE', headers: { ...AUTH, ...headers } })
}

/** snapshot captures what GET serves for an item, to show that a refused write changed nothing. */
async function snapshot(id: string) {
  const response = await get(id)
  return {
    status: response.status,
    body: await response.text(),
    etag: response.headers.get('ETag'),
    lastModified: response.headers.get('Last-Modified'),
  }
}

/** stored returns the JSON value GET serves for an item, failing the test when GET does not answer 200. */
async function stored(id: string): Promise<unknown> {
  const response = await get(id)
  expect(response.status, `GET ${id}`).toBe(200)
  return response.json()
}

describe('PUT /api/items/:id', () => {
  it('creates an item: 201 with Location, the canonical body, and the ETag the next GET serves', async () => {
    const created = await put('apple', '{"name":"Apple",  "price":1.50, "tags":["b","a"]}')
    const body = await created.text()

    expect(created.status).toBe(201)
    expect(created.headers.get('Location')).toBe('/api/items/apple')
    expect(created.headers.get('Content-Type')).toBe('application/json')
    expect(body).toBe('{"name":"Apple","price":1.5,"tags":["b","a"]}')
    expect(etagOf(created)).toBe(await sha256Tag(new TextEncoder().encode(body)))

    const read = await get('apple')
    expect(etagOf(read)).toBe(etagOf(created))
    expect(read.headers.get('Last-Modified')).toBe(created.headers.get('Last-Modified'))
    expect(await read.text()).toBe(body)
  })

  it('replaces an item with 200 and no Location', async () => {
    await put('apple', { name: 'Apple' })
    const replaced = await put('apple', { name: 'Green apple' })
    expect(replaced.status).toBe(200)
    expect(replaced.headers.get('Location')).toBeNull()
    expect(await stored('apple')).toEqual({ name: 'Green apple' })
  })

  it('stores exactly the client object: equal data in another key order gives the same bytes and ETag', async () => {
    const first = await put('a', '{"x":1,"y":{"q":[1,2],"p":"\\u00e9"}}')
    const second = await put('b', '{ "y": { "p": "é", "q": [1, 2.0] }, "x": 1.0 }')
    expect(etagOf(second)).toBe(etagOf(first))
    expect(await second.text()).toBe(await first.text())

    // What is stored, not only what the PUT answered, is the same.
    const [readA, readB] = [await get('a'), await get('b')]
    expect(etagOf(readB)).toBe(etagOf(readA))
    expect(await readB.text()).toBe(await readA.text())
  })

  it('changes neither ETag nor Last-Modified on a byte-identical re-PUT', async () => {
    const created = await put('apple', { name: 'Apple', price: 1 })
    await sleep(1100)
    const again = await put('apple', { price: 1, name: 'Apple' })

    expect(again.status).toBe(200)
    expect(etagOf(again)).toBe(etagOf(created))
    expect(again.headers.get('Last-Modified')).toBe(created.headers.get('Last-Modified'))
    expect((await get('apple')).headers.get('Last-Modified')).toBe(created.headers.get('Last-Modified'))
  })

  it('moves Last-Modified when the bytes change', async () => {
    const created = await put('apple', { v: 1 })
    await sleep(1100)
    const changed = await put('apple', { v: 2 })
    const before = Date.parse(created.headers.get('Last-Modified') ?? '')
    expect(Date.parse(changed.headers.get('Last-Modified') ?? '')).toBeGreaterThan(before)
  })

  it('moves Last-Modified even when the bytes change twice within one second', async () => {
    const first = await put('apple', { v: 1 })
    const second = await put('apple', { v: 2 })
    const firstModified = first.headers.get('Last-Modified') ?? ''
    expect(Date.parse(second.headers.get('Last-Modified') ?? '')).toBeGreaterThan(Date.parse(firstModified))

    // A write conditional on the first version's date must not overwrite the second version.
    expect((await put('apple', { v: 3 }, { 'If-Unmodified-Since': firstModified })).status).toBe(412)
    // A read conditional on the first version's date must get the second version, not a 304.
    expect((await get('apple', { 'If-Modified-Since': firstModified })).status).toBe(200)
  })

  // Here KV's pace (one write a second per key) puts the re-creation in a later second anyway; the same
  // second is reached with publications failing, in document-writer.test.ts.
  it('dates a document created again after a delete later than the deleted one', async () => {
    const first = await put('apple', { v: 1 })
    const firstModified = first.headers.get('Last-Modified') ?? ''
    expect((await request(itemUrl('apple'), { method: 'DELETE', headers: AUTH })).status).toBe(204)
    const again = await put('apple', { v: 2 })
    expect(again.status).toBe(201)
    expect(Date.parse(again.headers.get('Last-Modified') ?? '')).toBeGreaterThan(Date.parse(firstModified))
    // A client holding the deleted version and asking by date alone gets the new one, not a 304.
    expect((await get('apple', { 'If-Modified-Since': firstModified })).status).toBe(200)
  })

  it('never sends a Last-Modified later than its Date', async () => {
    await put('apple', { v: 1 })
    const response = await put('apple', { v: 2 })
    const date = Date.parse(response.headers.get('Date') ?? '')
    expect(Date.parse(response.headers.get('Last-Modified') ?? '')).toBeLessThanOrEqual(date)
  })

  it('hashes every byte of a body larger than 256 KiB', async () => {
    const text = JSON.stringify({ a: 'x'.repeat(300_000), z: 'end' })
    const created = await putWithLimit('large', text)
    const body = new Uint8Array(await created.arrayBuffer())
    expect(body.byteLength).toBeGreaterThan(256 * 1024)
    expect(etagOf(created)).toBe(await sha256Tag(body))

    const changedAtTheEnd = await putWithLimit('large', text.replace('"end"', '"End"'))
    expect(etagOf(changedAtTheEnd)).not.toBe(etagOf(created))
  })
})

describe('If-Match on writes', () => {
  it('replaces when If-Match carries the current ETag', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    expect((await put('apple', { v: 2 }, { 'If-Match': etag })).status).toBe(200)
    expect(await stored('apple')).toEqual({ v: 2 })
  })

  it('answers 412 to a stale If-Match and leaves the item byte-identical', async () => {
    const stale = etagOf(await put('apple', { v: 1 }))
    await put('apple', { v: 2 })
    const before = await snapshot('apple')

    const refused = await put('apple', { v: 3 }, { 'If-Match': stale })

    expect(refused.status).toBe(412)
    expect(refused.headers.get('Content-Type')).toBe('application/problem+json')
    expect(await snapshot('apple')).toEqual(before)
    // The 412 carries the current validators, so the client can recover without another GET.
    expect(refused.headers.get('ETag')).toBe(before.etag)
    expect(refused.headers.get('Last-Modified')).toBe(before.lastModified)
  })

  it.each([{ header: '*' }, { header: '"anything"' }])(
    'answers 412 to If-Match: $header on a missing item, creating nothing',
    async ({ header }) => {
      expect((await put('ghost', { v: 1 }, { 'If-Match': header })).status).toBe(412)
      expect((await get('ghost')).status).toBe(404)
    },
  )

  it.each([
    { content: 'malformed JSON', body: '{"v":' },
    { content: 'JSON that is not an object', body: '[1]' },
  ])(
    'answers 412, not 400 or 422, to a stale If-Match with $content (RFC 9110 section 13.2.1), and keeps the item',
    async ({ body }) => {
      const stale = etagOf(await put('apple', { v: 1 }))
      await put('apple', { v: 2 })
      const before = await snapshot('apple')
      expect((await put('apple', body, { 'If-Match': stale })).status).toBe(412)
      expect(await snapshot('apple')).toEqual(before)
    },
  )

  it('answers 412 to a malformed If-Match, and keeps the item', async () => {
    await put('apple', { v: 1 })
    const before = await snapshot('apple')
    expect((await put('apple', { v: 2 }, { 'If-Match': 'not-a-tag' })).status).toBe(412)
    expect(await snapshot('apple')).toEqual(before)
  })

  it('accepts W/"h" when "h" is current, since Cloudflare weakens tags it compresses', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    expect((await put('apple', { v: 2 }, { 'If-Match': `W/${etag}` })).status).toBe(200)
    expect(await stored('apple')).toEqual({ v: 2 })
  })

  it('deletes with a matching If-Match and keeps the item on a stale one', async () => {
    const stale = etagOf(await put('apple', { v: 1 }))
    const current = etagOf(await put('apple', { v: 2 }))
    const before = await snapshot('apple')

    // A stale tag: refused, and the item is still there, unchanged.
    expect((await remove('apple', { 'If-Match': stale })).status).toBe(412)
    expect(await snapshot('apple')).toEqual(before)

    // The current tag: deleted.
    expect((await remove('apple', { 'If-Match': current })).status).toBe(204)
    expect((await get('apple')).status).toBe(404)
  })
})

describe('If-None-Match on writes', () => {
  it('creates with If-None-Match: * when the item does not exist', async () => {
    expect((await put('new', { v: 1 }, { 'If-None-Match': '*' })).status).toBe(201)
    expect(await stored('new')).toEqual({ v: 1 })
  })

  it('answers 412 to If-None-Match: * on an existing item and keeps it', async () => {
    await put('apple', { v: 1 })
    const before = await snapshot('apple')
    expect((await put('apple', { v: 2 }, { 'If-None-Match': '*' })).status).toBe(412)
    expect(await snapshot('apple')).toEqual(before)
  })

  it('answers 412, not 304, when a listed tag matches, and replaces when none does', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    const before = await snapshot('apple')

    // The current tag, strong or weak: refused, the item unchanged.
    expect((await put('apple', { v: 2 }, { 'If-None-Match': etag })).status).toBe(412)
    expect((await put('apple', { v: 2 }, { 'If-None-Match': `W/${etag}` })).status).toBe(412)
    expect(await snapshot('apple')).toEqual(before)

    // Another tag: replaced.
    expect((await put('apple', { v: 2 }, { 'If-None-Match': '"other"' })).status).toBe(200)
    expect(await stored('apple')).toEqual({ v: 2 })
  })

  it('answers 412 to a malformed If-None-Match rather than ignoring a create-only guard', async () => {
    await put('apple', { v: 1 })
    const before = await snapshot('apple')
    expect((await put('apple', { v: 2 }, { 'If-None-Match': '*, "x"' })).status).toBe(412)
    expect(await snapshot('apple')).toEqual(before)
  })
})

describe('If-Unmodified-Since on writes', () => {
  it('answers 412 when the item changed after the given date, and keeps it', async () => {
    const lastModified = Date.parse((await put('apple', { v: 1 })).headers.get('Last-Modified') ?? '')
    const before = await snapshot('apple')
    const earlier = new Date(lastModified - 1000).toUTCString()
    expect((await put('apple', { v: 2 }, { 'If-Unmodified-Since': earlier })).status).toBe(412)
    expect(await snapshot('apple')).toEqual(before)
  })

  it('replaces when the item is unmodified since the given date', async () => {
    const lastModified = (await put('apple', { v: 1 })).headers.get('Last-Modified') ?? ''
    expect((await put('apple', { v: 2 }, { 'If-Unmodified-Since': lastModified })).status).toBe(200)
    expect(await stored('apple')).toEqual({ v: 2 })
  })

  it('is ignored when it is not an HTTP-date', async () => {
    await put('apple', { v: 1 })
    expect((await put('apple', { v: 2 }, { 'If-Unmodified-Since': '1970-01-01' })).status).toBe(200)
    expect(await stored('apple')).toEqual({ v: 2 })
  })

  it('is ignored when If-Match is present', async () => {
    const created = await put('apple', { v: 1 })
    const before = new Date(Date.parse(created.headers.get('Last-Modified') ?? '') - 1000).toUTCString()
    const response = await put(
      'apple',
      { v: 2 },
      { 'If-Match': etagOf(created), 'If-Unmodified-Since': before },
    )
    expect(response.status).toBe(200)
    expect(await stored('apple')).toEqual({ v: 2 })
  })
})

describe('DELETE /api/items/:id', () => {
  it('answers 204 with no body, then 404', async () => {
    await put('apple', { v: 1 })
    const deleted = await remove('apple')
    expect(deleted.status).toBe(204)
    expect(await deleted.text()).toBe('')
    expect((await get('apple')).status).toBe(404)
    expect((await remove('apple')).status).toBe(404)
  })

  it('answers 404 for a missing item whatever its preconditions (RFC 9110 section 13.2.1)', async () => {
    expect((await remove('ghost', { 'If-Match': '*' })).status).toBe(404)
    expect((await remove('ghost', { 'If-Match': '"anything"' })).status).toBe(404)
  })
})

describe('authorization of writes', () => {
  it.each([
    { credentials: 'no Authorization', headers: {} },
    { credentials: 'a wrong token', headers: { Authorization: 'Bearer wrong-token' } },
    { credentials: 'another scheme', headers: { Authorization: 'Basic dGVzdDp0ZXN0' } },
  ])('answers 401 with WWW-Authenticate to a PUT with $credentials, storing nothing', async ({ headers }) => {
    const response = await request(itemUrl('apple'), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: '{"v":1}',
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer /)
    expect(response.headers.get('Content-Type')).toBe('application/problem+json')
    expect((await get('apple')).status).toBe(404)
  })

  it('answers 401 to a DELETE without the token, keeping the item', async () => {
    await put('apple', { v: 1 })
    const before = await snapshot('apple')
    expect((await request(itemUrl('apple'), { method: 'DELETE' })).status).toBe(401)
    expect(await snapshot('apple')).toEqual(before)
  })

  it('accepts the scheme name in any case', async () => {
    const response = await request(itemUrl('apple'), {
      method: 'PUT',
      headers: { Authorization: 'bearer test-token', 'Content-Type': 'application/json' },
      body: '{"v":1}',
    })
    expect(response.status).toBe(201)
    expect(await stored('apple')).toEqual({ v: 1 })
  })
})
