import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { beforeEach, describe, expect, it } from 'vitest'
import { answerUnrouted } from '../../src/allowed-methods.ts'
import { indexKeysOf } from '../../src/documents/collection-index.ts'
import { rulesOf } from '../../src/documents/resource-rules.ts'
import type { AppEnv, Env } from '../../src/env.ts'
import { renderError } from '../../src/errors.ts'
import { canonicalJson } from '../../src/http/canonical-json.ts'
import { jsonResource } from '../../src/json-resource/index.ts'
import {
  AUTH,
  clearStore,
  etagOf,
  expectProblem,
  fetchWith,
  JSON_TYPE,
  MERGE_PATCH_TYPE,
  ORIGIN,
  observedKv,
  putTask,
  request,
  sha256Tag,
  sleep,
  TASKS_URL,
  taskUrl,
} from './api.ts'

beforeEach(clearStore)

interface Task {
  title: string
  done: boolean
  due?: string
  tags?: string[]
}
interface Page {
  items: { id: string; value: Task }[]
  next?: string
}

const { DOCUMENTS } = env as Env

function page(query: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(`${TASKS_URL}${query}`, { headers })
}

async function pageOf(query: string): Promise<Page> {
  const response = await page(query)
  expect(response.status, query).toBe(200)
  return (await response.json()) as Page
}

const idsOf = (body: Page) => body.items.map((item) => item.id)

/** walk follows `next` from a query's first page, and returns every id in order. */
async function walk(query: string): Promise<string[]> {
  const ids: string[] = []
  let url: string | null = `${TASKS_URL}${query}`
  for (let pages = 0; url !== null; pages++) {
    if (pages > 50) throw new Error('more than 50 pages')
    const response = await request(url)
    expect(response.status, url).toBe(200)
    const body = (await response.json()) as Page
    ids.push(...idsOf(body))
    url = body.next === undefined ? null : `${ORIGIN}${body.next}`
  }
  return ids
}

// Ids chosen so that id order differs from every value order the tests ask for.
const TASKS: Record<string, Task> = {
  a1: { title: 'a1', done: false, due: '2026-03-01', tags: ['home'] },
  b2: { title: 'b2', done: true, due: '2026-01-15', tags: ['work', 'home'] },
  c3: { title: 'c3', done: false },
  d4: { title: 'd4', done: false, due: '2026-01-15', tags: ['work'] },
  e5: { title: 'e5', done: true, tags: [] },
  f6: { title: 'f6', done: false, due: '2025-12-31' },
}

async function storeTasks(tasks: Record<string, Task> = TASKS): Promise<void> {
  for (const [id, task] of Object.entries(tasks)) expect((await putTask(id, task)).status).toBe(201)
}

/** model answers a query the slow way, from the documents themselves. */
function model(filter: (task: Task) => boolean, sort?: 'due' | '-due'): string[] {
  const matching = Object.entries(TASKS).filter(([, task]) => filter(task))
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  matching.sort(([idA, a], [idB, b]) => {
    if (sort === undefined) return byId(idA, idB)
    if ((a.due === undefined) !== (b.due === undefined)) return a.due === undefined ? 1 : -1
    const byDue = a.due === b.due ? 0 : (a.due ?? '') < (b.due ?? '') ? -1 : 1
    return (sort === 'due' ? byDue : -byDue) || byId(idA, idB)
  })
  return matching.map(([id]) => id)
}

/** queryPageTag computes, independently of src/, the tag of a page: SHA-256 over its ids, tags and next. */
async function queryPageTag(body: Page, next: string | null): Promise<string> {
  const members = await Promise.all(
    body.items.map(async (item) => [
      item.id,
      await sha256Tag(new TextEncoder().encode(canonicalJson(item.value))),
    ]),
  )
  return sha256Tag(new TextEncoder().encode(JSON.stringify({ items: members, next })))
}

describe('queries a declared index serves', () => {
  it.each([
    { query: '?done=false', want: model((task) => !task.done) },
    { query: '?done=true', want: model((task) => task.done) },
    { query: '?tags=home', want: model((task) => task.tags?.includes('home') ?? false) },
    { query: '?tags=work', want: model((task) => task.tags?.includes('work') ?? false) },
    { query: '?tags=garden', want: [] },
    { query: '?sort=due', want: model(() => true, 'due') },
    { query: '?sort=-due', want: model(() => true, '-due') },
    { query: '?done=false&sort=due', want: model((task) => !task.done, 'due') },
    { query: '?sort=-due&done=false', want: model((task) => !task.done, '-due') },
    { query: '?done=true&sort=due', want: model((task) => task.done, 'due') },
  ])('$query answers exactly the matching tasks, in order', async ({ query, want }) => {
    await storeTasks()
    const body = await pageOf(query)
    expect(idsOf(body)).toEqual(want)
    for (const item of body.items) expect(item.value).toEqual(TASKS[item.id])
    // Followed page by page, the same documents in the same order.
    expect(await walk(`${query}&limit=2`)).toEqual(want)
  })

  it('puts tasks without a due date last both ways, ties by id', async () => {
    await storeTasks()
    expect(idsOf(await pageOf('?sort=due')).slice(-2)).toEqual(['c3', 'e5'])
    expect(idsOf(await pageOf('?sort=-due')).slice(-2)).toEqual(['c3', 'e5'])
    // b2 and d4 share a due date: by id both ways.
    expect(idsOf(await pageOf('?sort=due')).filter((id) => id === 'b2' || id === 'd4')).toEqual(['b2', 'd4'])
    expect(idsOf(await pageOf('?sort=-due')).filter((id) => id === 'b2' || id === 'd4')).toEqual(['b2', 'd4'])
  })

  it('gives a query page a strong ETag over exactly its bytes, and a 304 from one KV list, reading no document', async () => {
    await storeTasks()
    const first = await page('?done=false&sort=due')
    const body = (await first.json()) as Page
    expect(etagOf(first)).toBe(await queryPageTag(body, null))

    const { kv, calls } = observedKv(DOCUMENTS)
    const revalidated = await fetchWith({ DOCUMENTS: kv }, `${TASKS_URL}?done=false&sort=due`, {
      headers: { 'If-None-Match': etagOf(first) },
    })
    expect(revalidated.status).toBe(304)
    expect(await revalidated.text()).toBe('')
    expect(calls.operations).toEqual(['list'])
    expect(calls.streamedBytes).toBe(0)
  })

  it('changes a query page when a document moves in or out of it, and answers 200 again', async () => {
    await storeTasks()
    const before = await page('?done=false')
    const done = await request(taskUrl('a1'), {
      method: 'PATCH',
      headers: { ...AUTH, ...MERGE_PATCH_TYPE },
      body: '{"done":true}',
    })
    expect(done.status).toBe(200)

    const after = await page('?done=false', { 'If-None-Match': etagOf(before) })
    expect(after.status).toBe(200)
    expect(idsOf((await after.json()) as Page)).not.toContain('a1')
    expect(idsOf(await pageOf('?done=true'))).toContain('a1')
    // Deleted: gone from every query.
    expect((await request(taskUrl('b2'), { method: 'DELETE', headers: AUTH })).status).toBe(204)
    for (const query of ['?done=true', '?tags=home', '?sort=due', '?sort=-due', '?done=true&sort=due']) {
      expect(idsOf(await pageOf(query)), query).not.toContain('b2')
    }
  })

  it('carries its query in next, and refuses a cursor used with another query or none', async () => {
    await storeTasks()
    const first = await pageOf('?done=false&limit=2')
    const next = first.next ?? ''
    expect(next).toMatch(/^\/api\/tasks\?done=false&limit=2&cursor=/)
    const cursor = new URLSearchParams(next.split('?')[1]).get('cursor') ?? ''

    await expectProblem(await page(`?done=true&limit=2&cursor=${cursor}`), 400)
    await expectProblem(await page(`?limit=2&cursor=${cursor}`), 400)
    await expectProblem(await page(`?done=false&sort=due&limit=2&cursor=${cursor}`), 400)
    expect((await page(`?done=false&limit=2&cursor=${cursor}`)).status).toBe(200)
  })

  it('never serves a member that no longer matches: a stale index entry is checked against the document read', async () => {
    await storeTasks()
    // An entry for c3 under done=true, as KV may still hold for a moment after c3 changed.
    const [stale] = (
      await indexKeysOf('tasks', 'c3', { done: true }, rulesOf('tasks')?.indexes ?? [])
    ).filter((key) => key.startsWith('~i:tasks:where-done:'))
    await DOCUMENTS.put(stale as string, '', { metadata: { etag: '"stale"', size: 10 } })

    const response = await page('?done=true')
    const body = (await response.json()) as Page
    expect(idsOf(body)).toEqual(model((task) => task.done))
    expect(etagOf(response)).toBe(await queryPageTag(body, null))
  })
})

describe('a sort page read while an index lags its documents', () => {
  it('never lists a task where an older due date filed it: only where its entry and its document agree', async () => {
    await storeTasks()
    // An entry of a1's older version, due long ago, not yet removed (as a cached listing may still show).
    const [older] = (
      await indexKeysOf('tasks', 'a1', { due: '2020-01-01' }, rulesOf('tasks')?.indexes ?? [])
    ).filter((key) => key.startsWith('~i:tasks:sort-due:a'))
    await DOCUMENTS.put(older as string, '', { metadata: { etag: '"older"', size: 10 } })

    const response = await page('?sort=due')
    const body = (await response.json()) as Page
    expect(idsOf(body)).toEqual(model(() => true, 'due'))
    expect(etagOf(response)).toBe(await queryPageTag(body, null))
  })
})

describe('queries no declared index serves', () => {
  it.each([
    { query: '?title=x', why: 'a member no index filters by' },
    { query: '?don=false', why: 'a misspelt member (never ignored)' },
    { query: '?done=false&tags=home', why: 'two filters no index serves together' },
    { query: '?done=false&done=true', why: 'a repeated parameter' },
    { query: '?sort=title', why: 'a sort no index serves' },
    { query: '?sort=due,title', why: 'a malformed sort' },
    { query: '?tags=home&sort=due', why: 'a filter and a sort no one index serves' },
  ])('answers $query ($why) with 400 naming the queries tasks supports', async ({ query }) => {
    await storeTasks()
    const problem = await expectProblem(await page(query), 400)
    expect(problem.detail).toContain('?done=<value>')
    expect(problem.detail).toContain('?sort=due or ?sort=-due')
  })

  it('answers any filter on items, which declares no index, with 400', async () => {
    const problem = await expectProblem(await request(`${ORIGIN}/api/items?done=false`), 400)
    expect(problem.detail).toContain('declares no index')
    expect((await request(`${ORIGIN}/api/items?limit=5`)).status).toBe(200)
  })
})

describe('concurrent writes moving tasks between done=false and done=true', () => {
  it('never lets a page list a task that does not match, and leaves every acknowledged write in its index', async () => {
    const ids = ['m1', 'm2', 'm3', 'm4']
    for (const id of ids) expect((await putTask(id, { title: id, done: false })).status).toBe(201)
    const last = new Map<string, boolean>()
    const deadline = Date.now() + 5_000
    let mismatches = 0
    let pagesRead = 0

    const writers = ids.map(async (id, n) => {
      let done = false
      while (Date.now() < deadline) {
        done = !done
        const response = await putTask(id, { title: id, done })
        if (response.ok) last.set(id, done)
        await response.arrayBuffer()
        await sleep(50 * (n + 1))
      }
    })
    const readers = Array.from({ length: 3 }, async () => {
      while (Date.now() < deadline) {
        for (const value of [false, true]) {
          const body = await pageOf(`?done=${value}`)
          pagesRead++
          mismatches += body.items.filter((item) => item.value.done !== value).length
        }
      }
    })
    await Promise.all([...writers, ...readers])

    expect(pagesRead).toBeGreaterThan(10)
    expect(mismatches).toBe(0)
    // The writers have published (each write was answered after its publication): every task is in the
    // index of its last acknowledged value, and in no other.
    for (const id of ids) {
      const value = last.get(id)
      expect(idsOf(await pageOf(`?done=${value}`)), `${id} done=${value}`).toContain(id)
      expect(idsOf(await pageOf(`?done=${!value}`)), `${id} done=${!value}`).not.toContain(id)
    }
  }, 60_000)
})

describe('the backfill of an index declared after documents were stored', () => {
  /** seedWithoutEntries stores tasks straight into KV with no index entries, as before an index existed. */
  async function seedWithoutEntries(count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const task = { title: `t${index}`, done: index % 3 === 0 }
      const bytes = new TextEncoder().encode(canonicalJson(task))
      const metadata = {
        etag: await sha256Tag(bytes),
        lastModified: new Date().toUTCString(),
        size: bytes.byteLength,
      }
      await DOCUMENTS.put(`tasks:old${index}`, bytes, { metadata })
    }
  }

  function reindex(url = `${ORIGIN}/admin/reindex/tasks?limit=2`, headers: Record<string, string> = AUTH) {
    return request(url, { method: 'POST', headers })
  }

  it('is resumable page by page, and afterwards every query finds the documents; running it again changes nothing', async () => {
    await seedWithoutEntries(5)
    // Before: the documents are there, but no query finds them.
    expect(idsOf(await pageOf(''))).toHaveLength(5)
    expect(idsOf(await pageOf('?done=true'))).toEqual([])

    const answers: { reindexed: number; next: string | null }[] = []
    let url: string | null = `${ORIGIN}/admin/reindex/tasks?limit=2`
    while (url !== null) {
      const response = await reindex(url)
      expect(response.status).toBe(200)
      const answer = (await response.json()) as { reindexed: number; next: string | null }
      answers.push(answer)
      // Halfway, a query finds what was reindexed so far, and nothing wrong.
      if (answers.length === 1) expect(idsOf(await pageOf('?done=true'))).toEqual(['old0'])
      url = answer.next === null ? null : `${ORIGIN}${answer.next}`
    }
    expect(answers.map((answer) => answer.reindexed)).toEqual([2, 2, 1])
    expect(idsOf(await pageOf('?done=true'))).toEqual(['old0', 'old3'])
    expect(idsOf(await pageOf('?sort=due'))).toHaveLength(5)

    const { keys: before } = await DOCUMENTS.list({ prefix: '~i:' })
    expect((await reindex(`${ORIGIN}/admin/reindex/tasks`)).status).toBe(200)
    const { keys: after } = await DOCUMENTS.list({ prefix: '~i:' })
    expect(after.map((key) => key.name)).toEqual(before.map((key) => key.name))
  })

  it('needs the token, answers 404 for a resource never declared, and 400 for a parameter it does not take', async () => {
    await expectProblem(await reindex(undefined, {}), 401)
    await expectProblem(await reindex(`${ORIGIN}/admin/reindex/nothing`), 404)
    await expectProblem(await reindex(`${ORIGIN}/admin/reindex/tasks?limt=5`), 400)
  })
})

describe('a value an index cannot hold', () => {
  // A resource declared as a forker would, with no schema: nothing but the index bounds its members.
  const notes = jsonResource({ name: 'notes', indexes: [{ sort: 'title' }, { where: 'labels', each: true }] })
  const app = new Hono<AppEnv>().route('/api/notes', notes).onError(renderError)
  app.notFound(answerUnrouted(app))

  async function putNote(id: string, note: unknown): Promise<Response> {
    const context = createExecutionContext()
    const init = { method: 'PUT', headers: { ...AUTH, ...JSON_TYPE }, body: JSON.stringify(note) }
    const response = await app.fetch(new Request(`${ORIGIN}/api/notes/${id}`, init), env as Env, context)
    await waitOnExecutionContext(context)
    return response
  }

  it.each([
    { what: 'a sorted title over 100 bytes', note: { title: 'x'.repeat(101) }, pointer: '/title' },
    { what: 'a sorted object', note: { title: { a: 1 } }, pointer: '/title' },
    {
      what: 'a label over 256 bytes',
      note: { title: 'x', labels: ['ok', 'y'.repeat(257)] },
      pointer: '/labels/1',
    },
  ])('is a 422 naming the member, for $what, and stores nothing', async ({ note, pointer }) => {
    const problem = await expectProblem(await putNote('n1', note), 422)
    expect(problem.errors).toEqual([{ pointer, detail: expect.any(String) }])
    expect(await DOCUMENTS.get('notes:n1')).toBeNull()
  })

  it('accepts values at the limits', async () => {
    expect((await putNote('n1', { title: 'x'.repeat(100), labels: ['y'.repeat(256)] })).status).toBe(201)
  })
})

// Last in this file: its 20 000 keys are then never cleared within it.
describe('the cost of a query page', () => {
  /**
   * seedTasks stores tasks straight into KV, with the entries of the one index asked here, as their writers
   * publish them (all seven entries per task would only make seeding slower).
   */
  async function seedTasks(count: number, from = 0): Promise<void> {
    const indexes = rulesOf('tasks')?.indexes ?? []
    for (let start = from; start < from + count; start += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, from + count - start) }, async (_, offset) => {
          const index = start + offset
          const id = `t${String(index).padStart(5, '0')}`
          const task = {
            title: id,
            done: index % 2 === 0,
            due: `2026-01-${String((index % 28) + 1).padStart(2, '0')}`,
          }
          const bytes = new TextEncoder().encode(canonicalJson(task))
          const etag = await sha256Tag(bytes)
          const metadata = { etag, lastModified: new Date().toUTCString(), size: bytes.byteLength }
          await DOCUMENTS.put(`tasks:${id}`, bytes, { metadata })
          const keys = (await indexKeysOf('tasks', id, task, indexes)).filter((key) =>
            key.startsWith('~i:tasks:where-done+sort-due:'),
          )
          await Promise.all(
            keys.map((key) => DOCUMENTS.put(key, '', { metadata: { etag, size: bytes.byteLength } })),
          )
        }),
      )
    }
  }

  async function operationsOf(query: string, headers: Record<string, string> = {}): Promise<string[]> {
    const { kv, calls } = observedKv(DOCUMENTS)
    // At a body limit of 256 KiB a page of 100 is planned as one bulk read (at the default 1 MiB, four).
    const response = await fetchWith({ DOCUMENTS: kv, MAX_BODY_BYTES: '262144' }, `${TASKS_URL}${query}`, {
      headers,
    })
    expect(response.status).toBeLessThan(400)
    await response.arrayBuffer()
    return calls.operations
  }

  it('is the same KV operations for page 1 at 100 and at 10 000 tasks: one list, and one bulk read for a 200', async () => {
    const query = '?done=false&sort=-due'
    await seedTasks(200)
    const small200 = await operationsOf(query)
    const small304 = await operationsOf(query, { 'If-None-Match': etagOf(await page(query)) })

    await seedTasks(9_800, 200)
    const large200 = await operationsOf(query)
    const large304 = await operationsOf(query, { 'If-None-Match': etagOf(await page(query)) })

    expect(small200).toEqual(['list', 'getWithMetadata:text'])
    expect(small304).toEqual(['list'])
    expect(large200).toEqual(small200)
    expect(large304).toEqual(small304)
  }, 180_000)
})
