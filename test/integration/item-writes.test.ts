import { beforeEach, describe, expect, it } from 'vitest'
import { AUTH, clearStore, etagOf, get, itemUrl, put, request, sha256Tag, sleep } from './api.ts'

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
    expect(await (await get('apple')).json()).toEqual({ name: 'Green apple' })
  })

  it('stores exactly the client object: equal data in another key order gives the same bytes and ETag', async () => {
    const first = await put('a', '{"x":1,"y":{"q":[1,2],"p":"\\u00e9"}}')
    const second = await put('b', '{ "y": { "p": "é", "q": [1, 2.0] }, "x": 1.0 }')
    expect(etagOf(second)).toBe(etagOf(first))
    expect(await second.text()).toBe(await first.text())
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

  it('never sends a Last-Modified later than its Date', async () => {
    await put('apple', { v: 1 })
    const response = await put('apple', { v: 2 })
    const date = Date.parse(response.headers.get('Date') ?? '')
    expect(Date.parse(response.headers.get('Last-Modified') ?? '')).toBeLessThanOrEqual(date)
  })

  it('hashes every byte of a body larger than 256 KiB', async () => {
    const text = JSON.stringify({ a: 'x'.repeat(300_000), z: 'end' })
    const created = await put('large', text)
    const body = new Uint8Array(await created.arrayBuffer())
    expect(body.byteLength).toBeGreaterThan(256 * 1024)
    expect(etagOf(created)).toBe(await sha256Tag(body))

    const changedAtTheEnd = await put('large', text.replace('"end"', '"End"'))
    expect(etagOf(changedAtTheEnd)).not.toBe(etagOf(created))
  })
})

describe('If-Match on writes', () => {
  it('replaces when If-Match carries the current ETag', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    expect((await put('apple', { v: 2 }, { 'If-Match': etag })).status).toBe(200)
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

  it.each([['*'], ['"anything"']])(
    'answers 412 to If-Match: %s on a missing item, creating nothing',
    async (header) => {
      expect((await put('ghost', { v: 1 }, { 'If-Match': header })).status).toBe(412)
      expect((await get('ghost')).status).toBe(404)
    },
  )

  it.each([
    ['malformed JSON', '{"v":'],
    ['JSON that is not an object', '[1]'],
  ])(
    'answers 412, not 400 or 422, to a stale If-Match with %s (RFC 9110 section 13.2.1)',
    async (_, body) => {
      const stale = etagOf(await put('apple', { v: 1 }))
      await put('apple', { v: 2 })
      expect((await put('apple', body, { 'If-Match': stale })).status).toBe(412)
    },
  )

  it('answers 412 to a malformed If-Match', async () => {
    await put('apple', { v: 1 })
    const before = await snapshot('apple')
    expect((await put('apple', { v: 2 }, { 'If-Match': 'not-a-tag' })).status).toBe(412)
    expect(await snapshot('apple')).toEqual(before)
  })

  it('accepts W/"h" when "h" is current, since Cloudflare weakens tags it compresses', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    expect((await put('apple', { v: 2 }, { 'If-Match': `W/${etag}` })).status).toBe(200)
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
  })

  it('answers 412 to If-None-Match: * on an existing item and keeps it', async () => {
    await put('apple', { v: 1 })
    const before = await snapshot('apple')
    expect((await put('apple', { v: 2 }, { 'If-None-Match': '*' })).status).toBe(412)
    expect(await snapshot('apple')).toEqual(before)
  })

  it('answers 412, not 304, when a listed tag matches', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    expect((await put('apple', { v: 2 }, { 'If-None-Match': etag })).status).toBe(412)
    expect((await put('apple', { v: 2 }, { 'If-None-Match': `W/${etag}` })).status).toBe(412)
    expect((await put('apple', { v: 2 }, { 'If-None-Match': '"other"' })).status).toBe(200)
  })

  it('answers 412 to a malformed If-None-Match rather than ignoring a create-only guard', async () => {
    await put('apple', { v: 1 })
    expect((await put('apple', { v: 2 }, { 'If-None-Match': '*, "x"' })).status).toBe(412)
  })
})

describe('If-Unmodified-Since on writes', () => {
  it('answers 412 when the item changed after the given date', async () => {
    const lastModified = Date.parse((await put('apple', { v: 1 })).headers.get('Last-Modified') ?? '')
    const before = new Date(lastModified - 1000).toUTCString()
    expect((await put('apple', { v: 2 }, { 'If-Unmodified-Since': before })).status).toBe(412)
  })

  it('replaces when the item is unmodified since the given date', async () => {
    const lastModified = (await put('apple', { v: 1 })).headers.get('Last-Modified') ?? ''
    expect((await put('apple', { v: 2 }, { 'If-Unmodified-Since': lastModified })).status).toBe(200)
  })

  it('is ignored when it is not an HTTP-date', async () => {
    await put('apple', { v: 1 })
    expect((await put('apple', { v: 2 }, { 'If-Unmodified-Since': '1970-01-01' })).status).toBe(200)
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
  })
})

describe('DELETE /api/items/:id', () => {
  it('answers 204 with no body, then 404', async () => {
    await put('apple', { v: 1 })
    const deleted = await remove('apple')
    expect(deleted.status).toBe(204)
    expect(await deleted.text()).toBe('')
    expect((await remove('apple')).status).toBe(404)
  })

  it('answers 404 for a missing item whatever its preconditions (RFC 9110 section 13.2.1)', async () => {
    expect((await remove('ghost', { 'If-Match': '*' })).status).toBe(404)
  })
})

describe('authorization of writes', () => {
  it.each([
    ['no Authorization', {}],
    ['a wrong token', { Authorization: 'Bearer wrong-token' }],
    ['another scheme', { Authorization: 'Basic dGVzdDp0ZXN0' }],
  ])('answers 401 with WWW-Authenticate to a PUT with %s, storing nothing', async (_, headers) => {
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
    expect((await request(itemUrl('apple'), { method: 'DELETE' })).status).toBe(401)
    expect((await get('apple')).status).toBe(200)
  })

  it('accepts the scheme name in any case', async () => {
    const response = await request(itemUrl('apple'), {
      method: 'PUT',
      headers: { Authorization: 'bearer test-token', 'Content-Type': 'application/json' },
      body: '{"v":1}',
    })
    expect(response.status).toBe(201)
  })
})
