/**
 * The typed client (client/) against the real worker in workerd: revalidation, conflicts between two clients,
 * update's retry, create-only writes, POST creates and their retries, paging, queries and the tasks schema's
 * 422, each through SELF.fetch.
 */

import { SELF } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiError, ConflictError, createClient, type Exchange, type FetchLike } from '../../client/index.ts'
import { UUID_V7_PATTERN } from '../../src/documents/uuid-v7.ts'
import type { EdgeEtagApi } from '../../src/resources/edge-etag-api.ts'
import type { Task } from '../../src/resources/tasks.ts'
import { clearStore, forbidUnexpectedErrors, TOKEN } from './api.ts'

beforeEach(clearStore)
forbidUnexpectedErrors()

const BASE = 'https://example.com'

/**
 * newClient returns a client of the worker with its own store, and the exchanges it reports; `fetch` stands
 * in for SELF.fetch, to lose an answer on the way back.
 */
function newClient(fetch: FetchLike = (input, init) => SELF.fetch(input, init)) {
  const exchanges: Exchange[] = []
  const client = createClient<EdgeEtagApi>({
    baseUrl: BASE,
    token: TOKEN,
    fetch,
    onExchange: (exchange) => exchanges.push(exchange),
    retryDelayMs: 10,
  })
  return { client, tasks: client.resource('tasks'), items: client.resource('items'), exchanges }
}

const MILK: Task = { title: 'Buy milk', done: false, tags: ['home'] }

describe('the client against the worker', () => {
  it('gets a 304 hit when it revalidates what it holds', async () => {
    const writer = newClient()
    const reader = newClient()
    const created = await writer.tasks.createAt('buy-milk', MILK)
    // The reader's first GET brings the body; its second sends the tag and gets a 304.
    const first = await reader.tasks.get('buy-milk')
    const second = await reader.tasks.get('buy-milk')
    expect(first).toEqual({ ...created, fromCache: false })
    expect(second).toEqual({ ...created, fromCache: true })
    expect(reader.exchanges.map((exchange) => [exchange.status, exchange.outcome])).toEqual([
      [200, 'miss'],
      [304, 'hit'],
    ])
    const bodyBytes = new TextEncoder().encode(JSON.stringify(MILK)).byteLength
    expect(reader.client.stats).toMatchObject({ requests: 2, hits: 1, misses: 1, bytesSaved: bodyBytes })
    expect(reader.exchanges[0]).toMatchObject({ bytesReceived: bodyBytes, requestId: expect.any(String) })
    // The writer holds what its PUT returned, so its first read is already a 304.
    expect(await writer.tasks.get('buy-milk')).toMatchObject({ fromCache: true, etag: created.etag })
  })

  it('turns a real 412 between two clients into a ConflictError with the current document', async () => {
    const alice = newClient()
    const bob = newClient()
    await alice.tasks.createAt('buy-milk', MILK)
    await bob.tasks.get('buy-milk')
    const done = await alice.tasks.patch('buy-milk', { done: true, tags: null })
    // Bob still holds the first version: his If-Match fails, and nothing he sent is stored.
    const error = await bob.tasks
      .put('buy-milk', { ...MILK, title: 'Buy oat milk' })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConflictError)
    expect(error).toMatchObject({
      status: 412,
      currentEtag: done.etag,
      current: { value: { title: 'Buy milk', done: true }, etag: done.etag },
    })
    expect(bob.exchanges.map((exchange) => [exchange.method, exchange.status])).toEqual([
      ['GET', 200],
      ['PUT', 412],
      ['GET', 200],
    ])
    expect(bob.client.stats.conflicts).toBe(1)
    expect((await alice.tasks.get('buy-milk')).value).toEqual({ title: 'Buy milk', done: true })
  })

  it("lets update's retry win a real race, keeping both changes", async () => {
    const alice = newClient()
    const bob = newClient()
    await alice.tasks.createAt('buy-milk', MILK)
    let calls = 0
    const updated = await alice.tasks.update('buy-milk', async (task) => {
      calls++
      // Between Alice's read and her PUT, Bob changes the title: her first PUT must be refused.
      if (calls === 1) await bob.tasks.patch('buy-milk', { title: 'Buy oat milk' })
      return { ...task, done: true }
    })
    expect(calls).toBe(2)
    expect(updated.value).toEqual({ title: 'Buy oat milk', done: true, tags: ['home'] })
    expect(alice.client.stats).toMatchObject({ conflicts: 1, retries: 1 })
    expect((await bob.tasks.get('buy-milk')).value).toEqual(updated.value)
  })

  it('refuses createAt on an existing document with a ConflictError carrying it', async () => {
    const alice = newClient()
    const bob = newClient()
    const first = await alice.tasks.createAt('buy-milk', MILK)
    const error = await bob.tasks
      .createAt('buy-milk', { title: 'Other', done: true })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError<Task>).current).toMatchObject({ value: MILK, etag: first.etag })
    expect(bob.exchanges.map((exchange) => exchange.outcome)).toEqual(['conflict', 'miss'])
  })

  it('pages through 250 documents 100 at a time, and revalidates every page to a 304', async () => {
    const seeder = newClient()
    const ids = Array.from({ length: 250 }, (_, index) => `doc-${String(index).padStart(3, '0')}`)
    for (let start = 0; start < ids.length; start += 50) {
      await Promise.all(
        ids.slice(start, start + 50).map((id) => seeder.items.put(id, { id, n: Number(id.slice(4)) })),
      )
    }
    const reader = newClient()
    // First walk: three pages of 100, 100 and 50, each a 200.
    const listed = await reader.items.list({ limit: 100 })
    expect(listed.map((item) => item.id)).toEqual(ids)
    expect(listed[249]).toEqual({ id: 'doc-249', value: { id: 'doc-249', n: 249 } })
    // Second walk: the same pages, each a 304.
    const pages = []
    for await (const page of reader.items.pages({ limit: 100 })) pages.push(page)
    expect(pages.map((page) => [page.items.length, page.fromCache])).toEqual([
      [100, true],
      [100, true],
      [50, true],
    ])
    expect(pages[2]?.next).toBeNull()
    expect(reader.exchanges.map((exchange) => exchange.status)).toEqual([200, 200, 200, 304, 304, 304])
    expect(reader.client.stats).toMatchObject({ hits: 3, misses: 3 })
  })

  it("gives the tasks schema's 422 as an ApiError with its errors", async () => {
    const { tasks, exchanges } = newClient()
    const invalid = { title: '', done: 'no', colour: 'red' } as unknown as Task
    const error = await tasks.put('bad', invalid).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).not.toBeInstanceOf(ConflictError)
    const apiError = error as ApiError
    expect(apiError.status).toBe(422)
    expect(apiError.message).toContain(`PUT ${BASE}/api/tasks/bad`)
    expect(new Set(apiError.errors.map((field) => field.pointer))).toEqual(
      new Set(['/title', '/done', '/colour']),
    )
    expect(exchanges.map((exchange) => [exchange.status, exchange.outcome])).toEqual([[422, 'error']])
  })
})

describe('create with POST, against the worker', () => {
  it('gets the id the server picked, and holds the document so that get(id) is a 304', async () => {
    const { tasks, client, exchanges } = newClient()
    const created = await tasks.create(MILK)
    expect(created.id).toMatch(UUID_V7_PATTERN)
    expect(created).toMatchObject({ value: MILK, fromCache: false, replayed: false })
    expect(await tasks.get(created.id)).toEqual({
      value: MILK,
      etag: created.etag,
      lastModified: created.lastModified,
      fromCache: true,
    })
    expect(exchanges.map((exchange) => [exchange.method, exchange.status, exchange.outcome])).toEqual([
      ['POST', 201, 'created'],
      ['GET', 304, 'hit'],
    ])
    expect(client.stats).toMatchObject({ hits: 1, retries: 0 })
    // Another client reads what was stored at that id.
    expect((await newClient().tasks.get(created.id)).value).toEqual(MILK)
  })

  it('retries a POST whose answer was lost with the same key, and one document is created', async () => {
    let lost = 0
    const { tasks, client, exchanges } = newClient(async (input, init) => {
      const response = await SELF.fetch(input, init)
      // The first POST reaches the worker, which creates the document; its answer never comes back.
      if (init.method === 'POST' && lost++ === 0) {
        await response.arrayBuffer()
        throw new TypeError('fetch failed: the connection dropped')
      }
      return response
    })
    const created = await tasks.create(MILK)
    expect(created).toMatchObject({ value: MILK, replayed: true })
    expect(exchanges.map((exchange) => [exchange.method, exchange.status])).toEqual([
      ['POST', 0],
      ['POST', 201],
    ])
    expect(client.stats.retries).toBe(1)
    expect((await newClient().tasks.list()).map((task) => task.id)).toEqual([created.id])
  })

  it('answers a create repeated with its key as the first was, and refuses the key with another body', async () => {
    const { tasks } = newClient()
    const first = await tasks.create(MILK, { idempotencyKey: 'milk-once' })
    const again = await newClient().tasks.create(MILK, { idempotencyKey: 'milk-once' })
    expect(again).toEqual({ ...first, replayed: true })
    const error = await tasks
      .create({ ...MILK, title: 'Buy bread' }, { idempotencyKey: 'milk-once' })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 422, method: 'POST' })
    expect((error as ApiError).detail).toContain('Idempotency-Key')
    expect(await newClient().tasks.list()).toEqual([{ id: first.id, value: MILK }])
  })
})

describe('queries through the client, against the worker', () => {
  // Ids chosen so that id order differs from the orders the queries ask for.
  const TASKS: Record<string, Task> = {
    a1: { title: 'a1', done: false, due: '2026-03-01', tags: ['home'] },
    b2: { title: 'b2', done: true, due: '2026-01-15', tags: ['work', 'home'] },
    c3: { title: 'c3', done: false },
    d4: { title: 'd4', done: false, due: '2026-01-15', tags: ['work'] },
    e5: { title: 'e5', done: false, due: '2025-12-31' },
  }

  async function storeTasks(): Promise<void> {
    const { tasks } = newClient()
    for (const [id, task] of Object.entries(TASKS)) await tasks.createAt(id, task)
  }

  it.each([
    { name: '?done=false', query: { where: { done: false } }, want: ['a1', 'c3', 'd4', 'e5'] },
    { name: '?done=true', query: { where: { done: true } }, want: ['b2'] },
    { name: '?tags=home', query: { where: { tags: 'home' } }, want: ['a1', 'b2'] },
    { name: '?sort=due', query: { sort: 'due' }, want: ['e5', 'b2', 'd4', 'a1', 'c3'] },
    { name: '?sort=-due', query: { sort: '-due' }, want: ['a1', 'b2', 'd4', 'e5', 'c3'] },
    {
      name: '?done=false&sort=due',
      query: { where: { done: false }, sort: 'due' },
      want: ['e5', 'd4', 'a1', 'c3'],
    },
    {
      name: '?done=false&sort=-due',
      query: { where: { done: false }, sort: '-due' },
      want: ['a1', 'd4', 'e5', 'c3'],
    },
  ] as const)('lists $name two by two, then revalidates every page to a 304', async ({ query, want }) => {
    await storeTasks()
    const { tasks, client, exchanges } = newClient()
    // First walk: every page a 200, each following the previous one's next.
    const listed = await tasks.list({ ...query, limit: 2 })
    expect(listed.map((task) => task.id)).toEqual(want)
    for (const task of listed) expect(task.value).toEqual(TASKS[task.id])
    const pages = Math.max(1, Math.ceil(want.length / 2))
    expect(exchanges.map((exchange) => exchange.status)).toEqual(Array(pages).fill(200))
    // Second walk: the same pages, each a 304 hit.
    const walked = []
    for await (const page of tasks.pages({ ...query, limit: 2 })) walked.push(page)
    expect(walked.every((page) => page.fromCache)).toBe(true)
    expect(walked.flatMap((page) => page.items)).toEqual(listed)
    expect(exchanges.slice(pages).map((exchange) => exchange.status)).toEqual(Array(pages).fill(304))
    expect(client.stats).toMatchObject({ hits: pages, misses: pages })
  })

  it('refuses a query no index serves with an ApiError 400 naming the queries served', async () => {
    const { tasks, items } = newClient()
    const error = await tasks.list({ where: { title: 'a1' } }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, method: 'GET', url: `${BASE}/api/tasks?title=a1` })
    expect((error as ApiError).detail).toContain('?done=<value>')
    await expect(items.list({ where: { name: 'Apple' } })).rejects.toMatchObject({ status: 400 })
  })
})
