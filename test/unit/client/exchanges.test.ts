import { describe, expect, it } from 'vitest'
import { createClient, type Exchange } from '../../../client/index.ts'
import { BASE, bytesOf, clientWith, document, lm, noContent, notModified, problem } from './fake-fetch.ts'

const APPLE = { name: 'Apple', price: 0.5 }
const REFUSAL = { type: 'about:blank', status: 412, detail: 'If-Match does not hold' }

describe('counters and exchanges', () => {
  it('count every kind of exchange', async () => {
    const { items, client, exchanges } = clientWith([
      document(APPLE, '"a1"', lm(0)),
      notModified('"a1"', lm(0)),
      document({ ...APPLE, price: 1 }, '"a2"', lm(5)),
      problem(412, 'If-Match does not hold', {}, { ETag: '"a3"' }),
      document(APPLE, '"a3"', lm(6)),
      noContent(),
    ])
    await items.get('apple')
    await items.get('apple')
    await items.put('apple', { ...APPLE, price: 1 })
    await items.delete('apple').catch(() => undefined)
    expect(client.stats).toEqual({
      requests: 5,
      hits: 1,
      misses: 2,
      conflicts: 1,
      retries: 0,
      staleIgnored: 0,
      bytesReceived: 2 * bytesOf(APPLE) + bytesOf({ ...APPLE, price: 1 }) + bytesOf(REFUSAL),
      bytesSaved: bytesOf(APPLE),
    })
    expect(exchanges.map((exchange) => [exchange.method, exchange.status, exchange.outcome])).toEqual([
      ['GET', 200, 'miss'],
      ['GET', 304, 'hit'],
      ['PUT', 200, 'updated'],
      ['DELETE', 412, 'conflict'],
      ['GET', 200, 'miss'],
    ])
    expect(exchanges[3]?.bytesReceived).toBe(bytesOf(REFUSAL))
  })

  it('hands out a snapshot that later requests do not change', async () => {
    const { items, client } = clientWith([document(APPLE, '"a1"', lm(0)), notModified('"a1"')])
    await items.get('apple')
    const before = client.stats
    await items.get('apple')
    expect(before.hits).toBe(0)
    expect(client.stats.hits).toBe(1)
  })

  it('report the request id, Server-Timing and the URL of each exchange', async () => {
    const { items, exchanges } = clientWith([
      document(APPLE, '"a1"', lm(0), 200, {
        'X-Request-Id': 'req-1',
        'Server-Timing': 'kv;dur=1.5, total;dur=2',
      }),
      notModified('"a1"'),
    ])
    await items.get('apple')
    await items.get('apple')
    expect(exchanges[0]).toMatchObject({
      url: `${BASE}/api/items/apple`,
      requestId: 'req-1',
      serverTiming: 'kv;dur=1.5, total;dur=2',
      bytesReceived: bytesOf(APPLE),
      bytesSaved: 0,
    })
    expect(exchanges[0]?.durationMs).toEqual(expect.any(Number))
    expect(exchanges[1]).toMatchObject({ requestId: null, serverTiming: null })
  })

  it('report a request that got no response as an error with status 0, and rethrow', async () => {
    const exchanges: Exchange[] = []
    const client = createClient({
      baseUrl: BASE,
      fetch: async () => {
        throw new TypeError('fetch failed')
      },
      onExchange: (exchange) => exchanges.push(exchange),
    })
    await expect(client.resource('items').get('apple')).rejects.toThrow('fetch failed')
    expect(exchanges).toMatchObject([{ method: 'GET', status: 0, outcome: 'error', bytesReceived: 0 }])
    expect(client.stats.requests).toBe(1)
  })

  it('send no token on reads, and no cache option', async () => {
    const inits: RequestInit[] = []
    const client = createClient({
      baseUrl: BASE,
      token: 'secret',
      fetch: async (_, init) => {
        inits.push(init)
        return document(APPLE, '"a1"', lm(0))
      },
    })
    await client.resource('items').get('apple')
    expect(new Headers(inits[0]?.headers).get('Authorization')).toBeNull()
    expect(inits[0]?.cache).toBeUndefined()
  })
})

describe('the fetch option', () => {
  it('is called as a plain function, as a browser requires of window.fetch', async () => {
    const receivers: unknown[] = []
    const client = createClient({
      baseUrl: BASE,
      fetch: function (this: unknown) {
        receivers.push(this)
        return Promise.resolve(document(APPLE, '"a1"', lm(0)))
      },
    })
    await client.resource('items').get('apple')
    expect(receivers).toEqual([undefined])
  })
})
