import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { DocumentStore } from '../../src/documents/document-store.ts'
import type { Env } from '../../src/env.ts'
import { type DocumentWriter, WRITER_LIMITS, type WriterLimits } from '../../src/store/document-writer.ts'
import { KvDocumentStore } from '../../src/store/kv-document-store.ts'
import {
  AUTH,
  clearStore,
  etagOf,
  fetchWith,
  get,
  itemUrl,
  JSON_TYPE,
  put,
  request,
  sha256Tag,
  sleep,
} from './api.ts'

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

/** withLimits changes the queue limits of item `id`'s writer. */
async function withLimits(id: string, limits: Partial<WriterLimits>): Promise<void> {
  await runInDurableObject(writerOf(id), (instance: DocumentWriter) => {
    instance.limits = { ...WRITER_LIMITS, ...limits }
  })
}

/**
 * holdPublications makes item `id`'s writer wait before each publication until `release` is called, so that
 * writes sent meanwhile all find its queue as it is: the first one publishing, the others waiting.
 */
async function holdPublications(id: string): Promise<() => void> {
  let release = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  await withPublisher(
    id,
    (real) =>
      new Proxy(real, {
        get(target, property) {
          const value = Reflect.get(target, property)
          if (property !== 'put' || typeof value !== 'function') {
            return typeof value === 'function' ? value.bind(target) : value
          }
          return async (...args: Parameters<DocumentStore['put']>) => {
            await released
            return target.put(...args)
          }
        },
      }),
  )
  return release
}

/** sendAll sends writes at once, and keeps each answer in `settled` as soon as it comes. */
function sendAll(writes: (() => Promise<Response>)[], settled: Response[]): Promise<Response[]> {
  return Promise.all(
    writes.map(async (write) => {
      const response = await write()
      settled.push(response)
      return response
    }),
  )
}

const statusCount = (responses: readonly Response[], status: number) =>
  responses.filter((response) => response.status === status).length

describe('a hot document', () => {
  it('refuses exactly the writes past its queue of 10 with 503 and Retry-After, and stores the acknowledged ones in order', async () => {
    const created = await put('queued', { n: 0 })
    const first = Date.parse(created.headers.get('Last-Modified') ?? '')
    // Ten writes one second apart: far from the wait limit, which is not what this test is about.
    await withLimits('queued', { waitMs: 60_000 })
    const release = await holdPublications('queued')

    // The first write commits and waits to publish; nine wait behind it; the other ninety are refused at once.
    const settled: Response[] = []
    const all = sendAll(
      Array.from({ length: 100 }, (_, n) => () => put('queued', { n: n + 1 })),
      settled,
    )
    await vi.waitFor(() => expect(statusCount(settled, 503)).toBe(90), {
      timeout: 15_000,
      interval: 50,
    })
    expect(settled).toHaveLength(90)
    release()
    const responses = await all

    const acknowledged = responses.filter((response) => response.status === 200)
    const refused = responses.filter((response) => response.status === 503)
    expect(acknowledged).toHaveLength(WRITER_LIMITS.writes)
    expect(refused).toHaveLength(90)
    for (const response of refused) expect(response.headers.get('Retry-After')).toMatch(/^\d+$/)
    // Each acknowledged write moved Last-Modified on; the document ends at the last of them.
    const dates = acknowledged.map((response) => Date.parse(response.headers.get('Last-Modified') ?? ''))
    expect(new Set(dates).size).toBe(acknowledged.length)
    expect(Math.min(...dates)).toBeGreaterThan(first)
    const last = acknowledged[dates.indexOf(Math.max(...dates))] as Response
    const stored = await get('queued')
    expect(etagOf(stored)).toBe(etagOf(last))
    expect(await stored.text()).toBe(await last.text())

    // The object was never reset: it takes the next write as usual.
    expect((await put('queued', { n: 'after' }, { 'If-Match': etagOf(stored) })).status).toBe(200)
  }, 60_000)

  it('counts writes with If-Match listing two tags: bodies that alternate can each match, so they fill the queue', async () => {
    const one = etagOf(await put('two-tags', { side: 'one' }))
    const other = await sha256Tag(new TextEncoder().encode('{"side":"other"}'))
    // A queue of three keeps the test short; the default of ten is the test above's.
    await withLimits('two-tags', { writes: 3, waitMs: 60_000 })
    const release = await holdPublications('two-tags')

    // Every one of these could commit: each flips the document to the side the next one's list also names.
    const settled: Response[] = []
    const all = sendAll(
      Array.from({ length: 40 }, (_, n) => () => {
        const side = n % 2 === 0 ? 'other' : 'one'
        return put('two-tags', { side }, { 'If-Match': `${one}, ${other}` })
      }),
      settled,
    )
    await vi.waitFor(() => expect(statusCount(settled, 503)).toBe(37), { timeout: 10_000, interval: 50 })
    release()
    const responses = await all

    expect(statusCount(responses, 200)).toBe(3)
    expect(statusCount(responses, 503)).toBe(37)
  }, 60_000)

  it('bounds the wait whatever the preconditions: writes that take turns winning are refused once they waited too long', async () => {
    const body = { v: 'same' }
    const etag = etagOf(await put('turns', body))
    await withLimits('turns', { waitMs: 2_000 })

    // A delete with the document's tag and a create with If-None-Match: *, ten times over: each can win only
    // once in a row, so none is counted against the ten, but in turns every one of them would commit, about
    // one a second (KV's limit), and an ordinary write sent after them would wait twenty seconds.
    const settled: Response[] = []
    const turns = Array.from({ length: 20 }, (_, n) =>
      n % 2 === 0
        ? () => request(itemUrl('turns'), { method: 'DELETE', headers: { ...AUTH, 'If-Match': etag } })
        : () => put('turns', body, { 'If-None-Match': '*' }),
    )
    const responses = await sendAll([...turns, () => put('turns', { v: 'ordinary' })], settled)

    const inTurns = responses.slice(0, 20)
    const committed = inTurns.filter((response) => response.ok).length
    // Each commit waits for KV's second: within the two seconds allowed, only a few can commit. (The writes
    // may reach the object out of order, so a few may also meet a document in the wrong state: 404, 412.)
    expect(committed).toBeGreaterThan(0)
    expect(committed).toBeLessThan(6)
    expect(statusCount(inTurns, 503)).toBeGreaterThanOrEqual(10)
    for (const response of inTurns) expect([200, 201, 204, 404, 412, 503]).toContain(response.status)
    const ordinary = responses[20] as Response
    expect([200, 201, 503]).toContain(ordinary.status)
    if (ordinary.status === 503) expect(ordinary.headers.get('Retry-After')).toMatch(/^\d+$/)
  }, 60_000)
})

describe('a writer whose commits fail', () => {
  it('releases its queue after each failed commit: eleven failures, then a write commits', async () => {
    const created = await put('failing', { v: 0 })
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const restore = await failEveryStorageWrite('failing')

    for (let attempt = 1; attempt <= WRITER_LIMITS.writes + 1; attempt++) {
      const failed = await put('failing', { v: attempt })
      expect(failed.status, `attempt ${attempt}`).toBe(503)
    }
    await restore()

    // Had the failures kept their places in the queue, this would be refused as busy (503) for good. (It has
    // no If-Match: a write with one tag is not counted against the ten.)
    const replaced = await put('failing', { v: 'after' })
    expect(replaced.status).toBe(200)
    expect(await replaced.json()).toEqual({ v: 'after' })
    expect(etagOf(replaced)).not.toBe(etagOf(created))
    errors.mockRestore()
  })
})

describe('Last-Modified across a delete', () => {
  it('dates a document created again within the same second later than its deleted version', async () => {
    // KV's pace (one write a second per key) would push the re-creation into the next second; with
    // publications failing there is no pacing, so the three writes happen within one second.
    await withPublisher('again', (real) => failingOn(real, ['put', 'delete'], 'KV PUT failed: 503'))
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    while (Date.now() % 1000 > 200) await sleep(20)

    const first = await put('again', { v: 1 })
    const deleted = await request(itemUrl('again'), { method: 'DELETE', headers: AUTH })
    const again = await put('again', { v: 2 })

    expect([first.status, deleted.status, again.status]).toEqual([201, 204, 201])
    const firstModified = Date.parse(first.headers.get('Last-Modified') ?? '')
    // The three writes did share a second, so only the writer's memory of the deleted date can move this on.
    expect(Math.floor(Date.parse(first.headers.get('Date') ?? '') / 1000)).toBe(firstModified / 1000)
    expect(Date.parse(again.headers.get('Last-Modified') ?? '')).toBe(firstModified + 1000)
    await withPublisher('again', (real) => real)
    warnings.mockRestore()
  })
})

/** failEveryStorageWrite makes every storage.put of item `id`'s writer throw, until the returned function runs. */
async function failEveryStorageWrite(id: string): Promise<() => Promise<void>> {
  await runInDurableObject(writerOf(id), (_, state) => {
    const storage = state.storage
    const original = storage.put
    storage.put = (async () => {
      throw new Error('SQLITE_FULL: database or disk is full')
    }) as typeof storage.put
    ;(storage as { restorePut?: () => void }).restorePut = () => {
      storage.put = original
    }
  })
  return () =>
    runInDurableObject(writerOf(id), (_, state) => {
      ;(state.storage as { restorePut?: () => void }).restorePut?.()
    })
}

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
