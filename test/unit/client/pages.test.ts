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

describe('queries', () => {
  const task = (id: string, done = false) => ({ id, value: { title: id, done } })
  const taskPage = (ids: string[], next: string | null, etag: string) =>
    new Response(JSON.stringify({ items: ids.map((id) => task(id)), ...(next === null ? {} : { next }) }), {
      headers: { 'Content-Type': 'application/json', ETag: etag },
    })

  it.each([
    { query: { where: { done: false } }, want: '/api/tasks?done=false' },
    { query: { where: { done: true }, limit: 2 }, want: '/api/tasks?done=true&limit=2' },
    { query: { where: { tags: 'home' } }, want: '/api/tasks?tags=home' },
    { query: { where: { tags: 'a b&c=d' } }, want: '/api/tasks?tags=a+b%26c%3Dd' },
    { query: { where: { title: 'true' } }, want: '/api/tasks?title=true' },
    { query: { sort: 'due' }, want: '/api/tasks?sort=due' },
    { query: { sort: '-due', limit: 50 }, want: '/api/tasks?sort=-due&limit=50' },
    { query: { where: { done: false }, sort: 'due' }, want: '/api/tasks?done=false&sort=due' },
    {
      query: { where: { done: false }, sort: '-due', limit: 2 },
      want: '/api/tasks?done=false&sort=-due&limit=2',
    },
    { query: { where: { done: undefined } }, want: '/api/tasks' },
    { query: {}, want: '/api/tasks' },
  ] as const)('asks $want for $query', async ({ query, want }) => {
    const { tasks, sent } = clientWith([taskPage([], null, '"q"')])
    await tasks.list(query)
    expect(sent[0]?.url).toBe(`${BASE}${want}`)
  })

  it('writes a number as its JSON', async () => {
    const { items, sent } = clientWith([page([], null, '"q"')])
    await items.list({ where: { price: 0.5, stock: -3 } })
    expect(sent[0]?.url).toBe(`${BASE}/api/items?price=0.5&stock=-3`)
  })

  it.each([{ value: Number.NaN }, { value: Number.POSITIVE_INFINITY }])(
    'refuses $value, which no JSON document holds, sending nothing',
    async ({ value }) => {
      const { items, sent } = clientWith([])
      await expect(items.list({ where: { price: value } })).rejects.toBeInstanceOf(TypeError)
      expect(sent).toEqual([])
    },
  )

  it('follows next, which repeats the query, and revalidates each page with its tag', async () => {
    const next1 = '/api/tasks?done=false&sort=due&limit=2&cursor=k1'
    const next2 = '/api/tasks?done=false&sort=due&limit=2&cursor=k2'
    const { tasks, sent, client, exchanges } = clientWith([
      taskPage(['c', 'a'], next1, '"q1"'),
      taskPage(['d', 'b'], next2, '"q2"'),
      taskPage(['e'], null, '"q3"'),
      notModified('"q1"'),
      notModified('"q2"'),
      notModified('"q3"'),
    ])
    const query = { where: { done: false }, sort: 'due', limit: 2 } as const
    const first = await tasks.list(query)
    expect(first.map((member) => member.id)).toEqual(['c', 'a', 'd', 'b', 'e'])
    expect(sent.map((request) => request.url)).toEqual([
      `${BASE}/api/tasks?done=false&sort=due&limit=2`,
      `${BASE}${next1}`,
      `${BASE}${next2}`,
    ])
    // Again: the same three URLs, each with the tag of its page, each a 304 hit.
    expect(await tasks.list(query)).toEqual(first)
    expect(sent.slice(3).map((request) => [request.url, request.headers['if-none-match']])).toEqual([
      [`${BASE}/api/tasks?done=false&sort=due&limit=2`, '"q1"'],
      [`${BASE}${next1}`, '"q2"'],
      [`${BASE}${next2}`, '"q3"'],
    ])
    expect(exchanges.map((exchange) => exchange.outcome)).toEqual([
      'miss',
      'miss',
      'miss',
      'hit',
      'hit',
      'hit',
    ])
    expect(client.stats).toMatchObject({ requests: 6, hits: 3, misses: 3 })
    expect(client.stats.bytesSaved).toBeGreaterThan(0)
  })

  it('holds each query apart: another query of the same collection is not a 304', async () => {
    const { tasks, sent } = clientWith([taskPage(['a'], null, '"open"'), taskPage(['b'], null, '"done"')])
    await tasks.list({ where: { done: false } })
    await tasks.list({ where: { done: true } })
    expect(sent[1]?.headers['if-none-match']).toBeUndefined()
  })

  it('throws the 400 of a query the server does not serve as an ApiError with its detail', async () => {
    const detail = '"title" is not a query parameter of this resource'
    const { tasks } = clientWith([problem(400, detail)])
    await expect(tasks.list({ where: { title: 'x' } })).rejects.toMatchObject({ status: 400, detail })
  })
})
