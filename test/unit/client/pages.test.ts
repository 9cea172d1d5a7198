import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../client/index.ts'
import { BASE, clientWith, notModified, problem } from './fake-fetch.ts'

const item = (id: string) => ({ id, value: { name: id } })

function page(items: string[], next: string | null, etag: string, link: boolean = next !== null): Response {
  return new Response(JSON.stringify({ items: items.map(item), ...(next === null ? {} : { next }) }), {
    headers: {
      'Content-Type': 'application/json',
      ETag: etag,
      ...(link && next !== null ? { Link: `<${next}>; rel="next"` } : {}),
    },
  })
}

const PAGES = () => [
  page(['a', 'b'], '/api/items?limit=2&cursor=c1', '"p1"'),
  page(['c', 'd'], '/api/items?limit=2&cursor=c2', '"p2"'),
  page(['e'], null, '"p3"'),
]

describe('pages', () => {
  it('follows next from the first page to the last', async () => {
    const { items, sent } = clientWith(PAGES())
    const pages = []
    for await (const each of items.pages({ limit: 2 })) pages.push(each)
    expect(sent.map((request) => request.url)).toEqual([
      `${BASE}/api/items?limit=2`,
      `${BASE}/api/items?limit=2&cursor=c1`,
      `${BASE}/api/items?limit=2&cursor=c2`,
    ])
    expect(pages.map((each) => each.items.map((member) => member.id))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
    ])
    expect(pages.map((each) => each.next)).toEqual([
      `${BASE}/api/items?limit=2&cursor=c1`,
      `${BASE}/api/items?limit=2&cursor=c2`,
      null,
    ])
    expect(pages.map((each) => [each.etag, each.fromCache])).toEqual([
      ['"p1"', false],
      ['"p2"', false],
      ['"p3"', false],
    ])
  })

  it('follows Link rel="next" when the body has no next', async () => {
    const withoutNext = new Response(JSON.stringify({ items: [item('a')] }), {
      headers: { ETag: '"p1"', Link: '</api/items?cursor=c1>; rel="next"' },
    })
    const { items, sent } = clientWith([withoutNext, page(['b'], null, '"p2"')])
    expect((await items.list()).map((member) => member.id)).toEqual(['a', 'b'])
    expect(sent[1]?.url).toBe(`${BASE}/api/items?cursor=c1`)
  })

  it('revalidates each held page with its tag: a second walk is all 304 hits', async () => {
    const { items, sent, client } = clientWith([
      ...PAGES(),
      notModified('"p1"'),
      notModified('"p2"'),
      notModified('"p3"'),
    ])
    const first = await items.list({ limit: 2 })
    const pages = []
    for await (const each of items.pages({ limit: 2 })) pages.push(each)
    expect(pages.flatMap((each) => each.items)).toEqual(first)
    expect(pages.every((each) => each.fromCache)).toBe(true)
    expect(sent.slice(3).map((request) => request.headers['if-none-match'])).toEqual(['"p1"', '"p2"', '"p3"'])
    expect(client.stats).toMatchObject({ hits: 3, misses: 3, requests: 6 })
  })

  it('list collects every item in order', async () => {
    const { items } = clientWith(PAGES())
    expect(await items.list({ limit: 2 })).toEqual(['a', 'b', 'c', 'd', 'e'].map(item))
  })

  it('throws an ApiError for a refused page', async () => {
    const { items } = clientWith([problem(400, 'The cursor is not valid')])
    await expect(items.list()).rejects.toBeInstanceOf(ApiError)
  })
})
