import { beforeEach, describe, expect, it } from 'vitest'
import { AUTH, COLLECTION_URL, clearStore, etagOf, fetchWith, get, itemUrl, JSON_TYPE, put } from './api.ts'

beforeEach(clearStore)

// When Cloudflare compresses a response it weakens its strong ETag "h" to W/"h" (unless the zone enables
// "Respect Strong ETags"), so clients behind the edge revalidate and write with the weak form.
const weakened = (etag: string) => `W/${etag}`

describe("validators weakened by Cloudflare's compression", () => {
  it('earns a 304 for an item with If-None-Match: W/"h" (weak comparison, RFC 9110 section 13.1.2)', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    expect((await get('apple', { 'If-None-Match': weakened(etag) })).status).toBe(304)
  })

  it('earns a 304 for the collection with If-None-Match: W/"h"', async () => {
    await put('apple', { v: 1 })
    const etag = etagOf(await fetchWith({}, COLLECTION_URL))
    const response = await fetchWith({}, COLLECTION_URL, { headers: { 'If-None-Match': weakened(etag) } })
    expect(response.status).toBe(304)
  })

  it('lets a write with If-Match: W/"h" through while "h" is current', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    expect((await put('apple', { v: 2 }, { 'If-Match': weakened(etag) })).status).toBe(200)
    // Once the item has changed, the old weakened tag is stale like any other.
    expect((await put('apple', { v: 3 }, { 'If-Match': weakened(etag) })).status).toBe(412)
  })

  it('refuses If-Match: W/"h" with STRICT_IF_MATCH=true, keeping the item', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    const response = await fetchWith({ STRICT_IF_MATCH: 'true' }, itemUrl('apple'), {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE, 'If-Match': weakened(etag) },
      body: '{"v":2}',
    })
    expect(response.status).toBe(412)
    expect(await (await get('apple')).json()).toEqual({ v: 1 })
  })

  it('refuses If-Match: W/"h" on a DELETE with STRICT_IF_MATCH=true, and accepts it by default', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    const remove = { method: 'DELETE', headers: { ...AUTH, 'If-Match': weakened(etag) } }
    expect((await fetchWith({ STRICT_IF_MATCH: 'true' }, itemUrl('apple'), remove)).status).toBe(412)
    expect((await fetchWith({}, itemUrl('apple'), remove)).status).toBe(204)
  })
})
