import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../client/index.ts'
import { BASE, bytesOf, clientWith, document, lm, notModified, problem } from './fake-fetch.ts'

const APPLE = { name: 'Apple', price: 0.5 }

describe('get', () => {
  it('asks without a tag the first time, and counts the 200 as a miss', async () => {
    const { items, sent, client } = clientWith([document(APPLE, '"a1"', lm(0))])
    const apple = await items.get('apple')
    expect(apple).toEqual({ value: APPLE, etag: '"a1"', lastModified: lm(0), fromCache: false })
    expect(sent[0]).toMatchObject({ method: 'GET', url: `${BASE}/api/items/apple` })
    expect(sent[0]?.headers['if-none-match']).toBeUndefined()
    expect(client.stats).toMatchObject({ requests: 1, misses: 1, hits: 0, bytesReceived: bytesOf(APPLE) })
  })

  it('sends If-None-Match with the held tag and answers a 304 from the store, as a hit', async () => {
    const { items, sent, client, exchanges } = clientWith([
      document(APPLE, '"a1"', lm(0)),
      notModified('"a1"', lm(0)),
    ])
    await items.get('apple')
    const again = await items.get('apple')
    expect(sent[1]?.headers['if-none-match']).toBe('"a1"')
    expect(again).toEqual({ value: APPLE, etag: '"a1"', lastModified: lm(0), fromCache: true })
    expect(client.stats).toMatchObject({ hits: 1, misses: 1, bytesSaved: bytesOf(APPLE) })
    expect(exchanges[1]).toMatchObject({
      status: 304,
      outcome: 'hit',
      bytesReceived: 0,
      bytesSaved: bytesOf(APPLE),
    })
  })

  it('takes a changed document from a 200 and revalidates with its new tag', async () => {
    const changed = { ...APPLE, price: 0.6 }
    const { items, sent } = clientWith([
      document(APPLE, '"a1"', lm(0)),
      document(changed, '"a2"', lm(5)),
      notModified('"a2"', lm(5)),
    ])
    await items.get('apple')
    expect(await items.get('apple')).toMatchObject({ value: changed, etag: '"a2"', fromCache: false })
    await items.get('apple')
    expect(sent.map((request) => request.headers['if-none-match'])).toEqual([undefined, '"a1"', '"a2"'])
  })

  it('freshens the held Last-Modified from a 304 that carries a later one', async () => {
    const { items } = clientWith([
      document(APPLE, '"a1"', lm(0)),
      notModified('"a1"', lm(9)),
      notModified('"a1"'),
    ])
    await items.get('apple')
    await items.get('apple')
    expect((await items.get('apple')).lastModified).toBe(lm(9))
  })

  it('throws an ApiError with status 404 for a missing document, and reports it as not-found', async () => {
    const { items, exchanges } = clientWith([problem(404, 'There is no document items/pear')])
    const error = await items.get('pear').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 404, detail: 'There is no document items/pear' })
    expect(exchanges.map((exchange) => exchange.outcome)).toEqual(['not-found'])
  })

  it('encodes the id into the path and accepts another path for the resource', async () => {
    const { client, sent } = clientWith([document(APPLE, '"a1"', null)])
    await client.resource('items', '/v2/things/').get('a.b_c~d')
    expect(sent[0]?.url).toBe(`${BASE}/v2/things/a.b_c~d`)
  })
})
