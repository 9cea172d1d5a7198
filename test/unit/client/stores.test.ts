import { describe, expect, it } from 'vitest'
import { resourceUrl } from '../../../client/create-client.ts'
import {
  type CachedEntry,
  createClient,
  memoryStore,
  type WebStorage,
  webStorageStore,
} from '../../../client/index.ts'
import { BASE, document, fakeFetch, lm, notModified } from './fake-fetch.ts'

// A Storage with the DOM's behaviour that matters here: strings in, strings out, and a quota.
function fakeStorage(quota = Number.POSITIVE_INFINITY): WebStorage & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      if (value.length > quota) throw new DOMException('The quota has been exceeded', 'QuotaExceededError')
      items.set(key, value)
    },
    removeItem: (key) => {
      items.delete(key)
    },
  }
}

const ENTRY: CachedEntry = { etag: '"a1"', lastModified: lm(0), body: '{"name":"Apple"}' }

describe('memoryStore', () => {
  it('keeps, replaces and deletes entries', async () => {
    const store = memoryStore()
    await store.set('u', ENTRY)
    expect(await store.get('u')).toEqual(ENTRY)
    await store.delete('u')
    expect(await store.get('u')).toBeUndefined()
  })
})

describe('webStorageStore', () => {
  it('keeps entries as JSON under its prefix', () => {
    const storage = fakeStorage()
    const store = webStorageStore(storage)
    store.set(`${BASE}/api/items/apple`, ENTRY)
    expect([...storage.items.keys()]).toEqual([`edge-etag:${BASE}/api/items/apple`])
    expect(store.get(`${BASE}/api/items/apple`)).toEqual(ENTRY)
    store.delete(`${BASE}/api/items/apple`)
    expect(storage.items.size).toBe(0)
  })

  it.each([
    { case: 'text that is not JSON', text: '{"etag":' },
    { case: 'JSON that is not an object', text: '"x"' },
    { case: 'null', text: 'null' },
    { case: 'an object missing members', text: '{"etag":"\\"a\\""}' },
    { case: 'members of the wrong type', text: '{"etag":1,"lastModified":null,"body":"{}"}' },
  ])('reads $case as no entry', ({ text }) => {
    const storage = fakeStorage()
    storage.items.set('edge-etag:u', text)
    expect(webStorageStore(storage).get('u')).toBeUndefined()
  })

  it('drops an entry that does not fit the quota, and the older one with it', () => {
    const storage = fakeStorage(100)
    const store = webStorageStore(storage)
    store.set('u', ENTRY)
    store.set('u', { ...ENTRY, body: 'x'.repeat(200) })
    expect(store.get('u')).toBeUndefined()
  })

  it('lets a second client (a reloaded page) revalidate what the first one held', async () => {
    const storage = fakeStorage()
    const { fetch, sent } = fakeFetch(document({ name: 'Apple' }, '"a1"', lm(0)), notModified('"a1"'))
    const first = createClient({ baseUrl: BASE, fetch, store: webStorageStore(storage) })
    await first.resource('items').get('apple')
    const second = createClient({ baseUrl: BASE, fetch, store: webStorageStore(storage) })
    expect(await second.resource('items').get('apple')).toMatchObject({
      value: { name: 'Apple' },
      fromCache: true,
    })
    expect(sent[1]?.headers['if-none-match']).toBe('"a1"')
    expect(second.stats.hits).toBe(1)
  })
})

describe('resourceUrl', () => {
  it.each([
    { base: 'https://api.example', path: '/api/tasks', want: 'https://api.example/api/tasks' },
    { base: 'https://api.example/', path: '/api/tasks', want: 'https://api.example/api/tasks' },
    { base: 'https://api.example/v1', path: '/api/tasks', want: 'https://api.example/v1/api/tasks' },
    { base: 'https://api.example/v1/', path: 'api/tasks/', want: 'https://api.example/v1/api/tasks' },
    { base: 'http://localhost:8787/?x=1#top', path: '/api/items', want: 'http://localhost:8787/api/items' },
  ])('joins $base and $path, keeping the base path', ({ base, path, want }) => {
    expect(resourceUrl(base, path)).toBe(want)
  })
})
