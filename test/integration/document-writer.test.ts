import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { DocumentStore } from '../../src/documents/document-store.ts'
import type { Env } from '../../src/env.ts'
import type { DocumentWriter } from '../../src/store/document-writer.ts'
import { KvDocumentStore } from '../../src/store/kv-document-store.ts'
import { AUTH, clearStore, etagOf, fetchWith, get, itemUrl, JSON_TYPE, put, request, sleep } from './api.ts'

beforeEach(clearStore)

const writers = () => (env as Env).DOCUMENT_WRITER
/** writerOf returns the writer object of item `id`: objects are named `<resource>/<id>`. */
const writerOf = (id: string) =>
  writers().getByName(`items/${id}`) as unknown as DurableObjectStub<DocumentWriter>

/** withPublisher swaps the KV publisher of item `id`'s writer, as a test double for KV failing. */
async function withPublisher(id: string, publisher: (real: DocumentStore) => DocumentStore): Promise<void> {
  await runInDurableObject(writerOf(id), (instance: DocumentWriter) => {
    instance.publisher = publisher(new KvDocumentStore((env as Env).DOCUMENTS))
  })
}

/** failingOn returns a store whose named operations throw, as KV does when it refuses or fails. */
function failingOn(
  real: DocumentStore,
  operations: readonly (keyof DocumentStore)[],
  message: string,
): DocumentStore {
  return new Proxy(real, {
    get(target, property) {
      if (operations.includes(property as keyof DocumentStore)) {
        return async () => {
          throw new Error(message)
        }
      }
      const value = Reflect.get(target, property)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('concurrent conditional writes', () => {
  it('lets exactly one of 50 concurrent PUTs with the current If-Match succeed, 10 rounds running', async () => {
    let etag = etagOf(await put('hot', { round: 0 }))
    for (let round = 1; round <= 10; round++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, writer) => put('hot', { round, writer }, { 'If-Match': etag })),
      )
      const statuses = responses.map((response) => response.status)
      const winners = responses.filter((response) => response.ok)

      expect(winners, `round ${round}: ${statuses.join(',')}`).toHaveLength(1)
      expect(statuses.filter((status) => status === 412)).toHaveLength(49)
      // The stored item is the body of the one that succeeded.
      const winner = winners[0] as Response
      const stored = await get('hot')
      expect(await stored.text()).toBe(await winner.text())
      etag = etagOf(winner)
      expect(etagOf(stored)).toBe(etag)
    }
  }, 60_000)

  it('lets exactly one of 50 concurrent If-None-Match: * creates of one id succeed', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, writer) => put('fresh', { writer }, { 'If-None-Match': '*' })),
    )
    const statuses = responses.map((response) => response.status)
    expect(statuses.filter((status) => status === 201)).toHaveLength(1)
    expect(statuses.filter((status) => status === 412)).toHaveLength(49)
  })
})

describe('publication to KV', () => {
  it('acknowledges a write whose publication fails, and converges when KV recovers', async () => {
    await withPublisher('apple', (real) => failingOn(real, ['put'], 'KV PUT failed: 503 Service Unavailable'))
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)

    // The write is committed in the writer, so it is acknowledged, once.
    const created = await put('apple', { v: 1 })
    expect(created.status).toBe(201)
    expect((await get('apple')).status).toBe(404)

    // KV recovers; the writer's alarm publishes what it committed.
    await withPublisher('apple', (real) => real)
    expect(await runDurableObjectAlarm(writerOf('apple'))).toBe(true)
    const read = await get('apple')
    expect(read.status).toBe(200)
    expect(etagOf(read)).toBe(etagOf(created))
    expect(await read.json()).toEqual({ v: 1 })
    // The failed publication was reported, and retried from the alarm.
    expect(warnings).toHaveBeenCalledOnce()
    warnings.mockRestore()
  })

  it('keeps retrying from its alarm while KV keeps failing, and publishes once KV recovers', async () => {
    await withPublisher('apple', (real) => failingOn(real, ['put'], 'KV PUT failed: 503 Service Unavailable'))
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const created = await put('apple', { v: 1 })
    expect(created.status).toBe(201)

    // KV still fails when the alarm runs: the alarm must schedule the next attempt.
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await runDurableObjectAlarm(writerOf('apple')), `attempt ${attempt}`).toBe(true)
      const next = await runInDurableObject(writerOf('apple'), (_, state) => state.storage.getAlarm())
      expect(next, `attempt ${attempt}`).toBeGreaterThan(Date.now())
      expect((await get('apple')).status).toBe(404)
    }

    // KV recovers; the next alarm publishes, and schedules nothing more.
    await withPublisher('apple', (real) => real)
    expect(await runDurableObjectAlarm(writerOf('apple'))).toBe(true)
    expect(etagOf(await get('apple'))).toBe(etagOf(created))
    expect(await runInDurableObject(writerOf('apple'), (_, state) => state.storage.getAlarm())).toBeNull()
    expect(warnings).toHaveBeenCalledTimes(3)
    warnings.mockRestore()
  })

  it('writes a hot item to KV at most once per second, without errors', async () => {
    const published: number[] = []
    await withPublisher(
      'hot',
      (real) =>
        new Proxy(real, {
          get(target, property) {
            const value = Reflect.get(target, property)
            if (property !== 'put' || typeof value !== 'function') {
              return typeof value === 'function' ? value.bind(target) : value
            }
            return (...args: Parameters<DocumentStore['put']>) => {
              published.push(Date.now())
              return target.put(...args)
            }
          },
        }),
    )
    for (let version = 1; version <= 4; version++) expect((await put('hot', { version })).ok).toBe(true)

    expect(published).toHaveLength(4)
    const gaps = published.slice(1).map((time, index) => time - (published[index] ?? 0))
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(990)
    expect(await (await get('hot')).json()).toEqual({ version: 4 })
  })
})

describe('a hot document', () => {
  it('refuses writes past its queue with 503 and Retry-After, and stores the acknowledged ones in order', async () => {
    const created = await put('hot', { n: 0 })
    const first = Date.parse(created.headers.get('Last-Modified') ?? '')

    const responses = await Promise.all(Array.from({ length: 100 }, (_, n) => put('hot', { n: n + 1 })))

    const acknowledged = responses.filter((response) => response.status === 200)
    const refused = responses.filter((response) => response.status === 503)
    expect(acknowledged.length + refused.length).toBe(100)
    expect(acknowledged.length).toBeGreaterThan(0)
    expect(refused.length).toBeGreaterThan(50)
    for (const response of refused) expect(response.headers.get('Retry-After')).toMatch(/^\d+$/)
    // Each acknowledged write moved Last-Modified on; the document ends at the last of them.
    const dates = acknowledged.map((response) => Date.parse(response.headers.get('Last-Modified') ?? ''))
    expect(new Set(dates).size).toBe(acknowledged.length)
    expect(Math.min(...dates)).toBeGreaterThan(first)
    const last = acknowledged[dates.indexOf(Math.max(...dates))] as Response
    const stored = await get('hot')
    expect(etagOf(stored)).toBe(etagOf(last))
    expect(await stored.text()).toBe(await last.text())

    // The object was never reset: it takes the next write as usual.
    expect((await put('hot', { n: 'after' }, { 'If-Match': etagOf(stored) })).status).toBe(200)
  }, 60_000)
})

describe('a writer whose own storage fails', () => {
  /** failStorageWrite makes the `n`-th storage.put of the object (1-based) throw, once; the rest go through. */
  async function failStorageWrite(id: string, n: number): Promise<void> {
    await runInDurableObject(writerOf(id), (_, state) => {
      const storage = state.storage
      const original = storage.put
      let calls = 0
      storage.put = (async (...args: Parameters<typeof original>) => {
        calls++
        if (calls !== n) return original.apply(storage, args)
        storage.put = original
        throw new Error('SQLITE_FULL: database or disk is full')
      }) as typeof storage.put
    })
  }

  it('commits nothing when the commit itself fails: 503, and the object and KV keep the old document', async () => {
    const created = await put('apple', { v: 1 })
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await failStorageWrite('apple', 1)

    const response = await put('apple', { v: 2 }, { 'If-Match': etagOf(created) })

    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(etagOf(await get('apple'))).toBe(etagOf(created))
    const held = await runInDurableObject(writerOf('apple'), async (_, state) =>
      state.storage.get<{ document: { validators: { etag: string } } | null; version: number }>('state'),
    )
    expect(held?.document?.validators.etag).toBe(etagOf(created))
    expect(held?.version).toBe(1)
    // Logged twice: by the object, with the cause, and by the worker's onError, with the request.
    expect(errors).toHaveBeenCalledTimes(2)
    errors.mockRestore()
  })

  it('acknowledges a write whose commit held but whose bookkeeping after publication failed', async () => {
    const created = await put('apple', { v: 1 })
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    // The first put is the commit; the second, recording the publication, fails.
    await failStorageWrite('apple', 2)
    await sleep(1_000)

    const replaced = await put('apple', { v: 2 }, { 'If-Match': etagOf(created) })

    expect(replaced.status).toBe(200)
    expect(etagOf(await get('apple'))).toBe(etagOf(replaced))
    const held = await runInDurableObject(writerOf('apple'), async (_, state) =>
      state.storage.get<{ document: { validators: { etag: string } } | null; version: number }>('state'),
    )
    expect(held?.document?.validators.etag).toBe(etagOf(replaced))
    expect(held?.version).toBe(2)
    expect(warnings).toHaveBeenCalledOnce()
    warnings.mockRestore()
  })
})

describe('a failing writer', () => {
  const unavailable = {
    getByName: () => ({
      put: () => Promise.reject(new Error('Durable Object reset because its code was updated.')),
      patch: () => Promise.reject(new Error('Network connection lost.')),
      remove: () => Promise.reject(new Error('Network connection lost.')),
    }),
  } as unknown as Env['DOCUMENT_WRITER']

  it.each([
    ['PUT', { method: 'PUT', headers: { ...AUTH, ...JSON_TYPE }, body: '{"v":2}' }],
    [
      'PATCH',
      {
        method: 'PATCH',
        headers: { ...AUTH, 'Content-Type': 'application/merge-patch+json' },
        body: '{"v":2}',
      },
    ],
    ['DELETE', { method: 'DELETE', headers: AUTH }],
  ])('answers %s with 503 and Retry-After, and changes nothing', async (_, init) => {
    await put('apple', { v: 1 })
    const before = await (await get('apple')).text()

    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const response = await fetchWith({ DOCUMENT_WRITER: unavailable }, itemUrl('apple'), init)

    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(response.headers.get('Content-Type')).toBe('application/problem+json')
    expect(await (await get('apple')).text()).toBe(before)
    expect(errors).toHaveBeenCalledOnce()
    errors.mockRestore()
  })
})

describe('a bounded mixed load', () => {
  it('serves no 5xx, and ends with every item at its last acknowledged write', async () => {
    const ids = ['a', 'b', 'c', 'd']
    const acknowledged = new Map<string, { etag: string; lastModified: number }>()
    for (const id of ids) {
      const created = await put(id, { id, n: 0 })
      acknowledged.set(id, {
        etag: etagOf(created),
        lastModified: Date.parse(created.headers.get('Last-Modified') ?? ''),
      })
    }
    const statuses = new Map<number, number>()
    const deadline = Date.now() + 8_000
    let requests = 0

    // 24 connections; about one request in twenty is a PUT carrying the If-Match it last saw.
    await Promise.all(
      Array.from({ length: 24 }, async (_, connection) => {
        let n = 0
        while (Date.now() < deadline) {
          const id = ids[(connection + n) % ids.length] as string
          n++
          requests++
          let response: Response
          if (requests % 20 === 0) {
            const seen = etagOf(await get(id))
            response = await put(id, { id, n, connection }, { 'If-Match': seen })
            if (response.ok) {
              const lastModified = Date.parse(response.headers.get('Last-Modified') ?? '')
              const previous = acknowledged.get(id)
              // Last-Modified moves on every change of an item, so the latest acknowledgement has the latest one.
              if (!previous || lastModified > previous.lastModified) {
                acknowledged.set(id, { etag: etagOf(response), lastModified })
              }
            }
          } else {
            response = await request(itemUrl(id), n % 3 === 0 ? {} : { headers: { 'If-None-Match': '"x"' } })
          }
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
          await response.arrayBuffer()
        }
      }),
    )

    const serverErrors = [...statuses].filter(([status]) => status >= 500)
    expect(serverErrors, JSON.stringify([...statuses])).toEqual([])
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100)
    await sleep(1_100)
    for (const id of ids) expect(etagOf(await get(id)), id).toBe(acknowledged.get(id)?.etag)
  }, 60_000)
})
