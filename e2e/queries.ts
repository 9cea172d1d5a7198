/**
 * POST and queries over real HTTP, against `wrangler dev`: a POST creates under a UUIDv7 the server picks and
 * says where (Location); a POST retried with its Idempotency-Key creates nothing and answers as the first did;
 * and every query the tasks declare an index for (`?done=`, `?tags=`, `?sort=due`, `?sort=-due`, and a filter
 * with a sort) answers exactly the matching tasks in order, page by page through `next`, each page with a
 * strong ETag and a 304 for it. A query no index serves is a 400.
 *
 * Starts `wrangler dev` with its own local KV. The idempotency checks are skipped, saying so, only when the
 * server shows it ignores the key (a second POST with it creates a second document).
 *
 * Usage, from the project root: node_modules/.bin/node e2e/queries.ts   (15-30 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { Checks, exitAfter } from './checks.ts'
import type { LocalServer } from './local-server.ts'
import { startLocalServer, WRITE_HEADERS } from './local-server.ts'

const REQUEST_TIMEOUT_MS = 15_000
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const STRONG_TAG = /^"[\x21\x23-\x7e]*"$/

/** Reply is what a request got: its status, its fields and its exact body. */
interface Reply {
  status: number
  headers: Headers
  body: Buffer
}

async function send(base: URL, path: string, init: RequestInit = {}): Promise<Reply> {
  // identity: the ETag is of the bytes the worker sends, not of what wrangler's local proxy gzips.
  const headers = { 'Accept-Encoding': 'identity', ...(init.headers as Record<string, string> | undefined) }
  const response = await fetch(new URL(path, base), {
    ...init,
    headers,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  }
}

function post(base: URL, path: string, value: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return send(base, path, {
    method: 'POST',
    headers: { ...WRITE_HEADERS, ...headers },
    body: JSON.stringify(value),
  })
}

function json<T>(reply: Reply): T {
  return JSON.parse(reply.body.toString('utf8')) as T
}

/** sha256Tag computes, independently of the worker, the tag these bytes must have. */
function sha256Tag(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`
}

/** expectProblem checks that a reply is an RFC 9457 problem with `status`, and returns its detail. */
function expectProblem(reply: Reply, status: number, what: string): string {
  assert.equal(reply.status, status, `${what}: ${reply.body.toString('utf8')}`)
  assert.equal(reply.headers.get('Content-Type'), 'application/problem+json', what)
  const { detail } = json<{ detail?: unknown }>(reply)
  assert.equal(typeof detail, 'string', `${what}: the problem has a detail`)
  return detail as string
}

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

// Created in this order, so id order (UUIDv7: creation order) differs from every order the queries ask.
const TASKS: readonly Task[] = [
  { title: 'Water the plants', done: false, due: '2026-03-01', tags: ['home'] },
  { title: 'Send the invoice', done: true, due: '2026-01-15', tags: ['work', 'home'] },
  { title: 'Call the plumber', done: false },
  { title: 'Fix the bike', done: false, due: '2026-01-15', tags: ['work'] },
  { title: 'Renew the passport', done: true, tags: [] },
  { title: 'Buy milk', done: false, due: '2025-12-31' },
]

/** model answers a query the slow way: the created tasks that match, in the order the query asks. */
function model(
  created: readonly { id: string; value: Task }[],
  filter: (task: Task) => boolean,
  sort?: 'due' | '-due',
): string[] {
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return created
    .filter(({ value }) => filter(value))
    .sort((a, b) => {
      if (sort === undefined) return byId(a.id, b.id)
      // A task without a due date comes last both ways; ties go by id both ways.
      if ((a.value.due === undefined) !== (b.value.due === undefined))
        return a.value.due === undefined ? 1 : -1
      const byDue = a.value.due === b.value.due ? 0 : (a.value.due ?? '') < (b.value.due ?? '') ? -1 : 1
      return (sort === 'due' ? byDue : -byDue) || byId(a.id, b.id)
    })
    .map(({ id }) => id)
}

/**
 * walk follows a query from its first page, `limit` at a time, checking each page's tag and Link, then asks
 * for every page again with its tag and expects a 304 each time. It returns the ids in order and the pages.
 */
async function walk(base: URL, query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const seen: { url: string; etag: string; body: Buffer }[] = []
  const ids: string[] = []
  let url: string | null = `/api/tasks${query}&limit=${limit}`
  while (url !== null) {
    assert.ok(seen.length <= 20, `${query}: more than 20 pages`)
    const reply = await send(base, url)
    assert.equal(reply.status, 200, `GET ${url}: ${reply.body.toString('utf8')}`)
    const etag = reply.headers.get('ETag') ?? ''
    assert.match(etag, STRONG_TAG, `GET ${url}: a strong ETag`)
    const page = json<Page>(reply)
    ids.push(...page.items.map((item) => item.id))
    const next = page.next ?? null
    assert.equal(
      reply.headers.get('Link'),
      next === null ? null : `<${next}>; rel="next"`,
      `GET ${url}: Link`,
    )
    if (next !== null) {
      // next repeats the query, so following it stays within the query.
      const asked = new URLSearchParams(query.slice(1))
      const nextParameters = new URL(next, base).searchParams
      for (const [name, value] of asked)
        assert.equal(nextParameters.get(name), value, `${next} repeats ${name}`)
    }
    seen.push({ url, etag, body: reply.body })
    url = next
  }
  for (const { url: pageUrl, etag, body } of seen) {
    const again = await send(base, pageUrl, { headers: { 'If-None-Match': etag } })
    assert.equal(again.status, 304, `GET ${pageUrl} with its tag`)
    assert.equal(again.body.length, 0, `the 304 to ${pageUrl} has no body`)
    assert.equal(again.headers.get('ETag'), etag, `the 304 to ${pageUrl} carries its tag`)
    // And a 200 again without the tag: the same bytes under the same tag.
    const fresh = await send(base, pageUrl)
    assert.ok(fresh.body.equals(body) && fresh.headers.get('ETag') === etag, `GET ${pageUrl} is stable`)
  }
  return { ids, pages: seen.length }
}

exitAfter(180_000)
const checks = new Checks()
let server: LocalServer | undefined
try {
  server = await startLocalServer('queries')
  const base = server.url

  await checks.run(
    'POST creates under a UUIDv7 and answers 201 with Location, the stored body and its validators',
    async () => {
      const reply = await post(base, '/api/tasks', { done: false, title: 'Check the smoke alarm' })
      assert.equal(reply.status, 201, reply.body.toString('utf8'))
      const location = reply.headers.get('Location') ?? ''
      const id = location.slice('/api/tasks/'.length)
      assert.ok(location.startsWith('/api/tasks/'), `a relative Location: ${location}`)
      assert.match(id, UUID_V7)
      assert.equal(reply.headers.get('Content-Location'), location)
      assert.equal(reply.body.toString('utf8'), '{"done":false,"title":"Check the smoke alarm"}')
      assert.equal(reply.headers.get('ETag'), sha256Tag(reply.body))
      assert.match(reply.headers.get('Last-Modified') ?? '', / GMT$/)
      const read = await send(base, location)
      assert.equal(read.status, 200)
      assert.ok(read.body.equals(reply.body), 'GET at Location serves the stored body')
      assert.equal(read.headers.get('ETag'), reply.headers.get('ETag'))
      // Clean up, so the queries below see only their own tasks.
      const removed = await send(base, location, { method: 'DELETE', headers: WRITE_HEADERS })
      assert.equal(removed.status, 204)
      return `201 ${location}`
    },
  )

  // Idempotency on items, whose pages no query below reads: a server that ignores the key leaves its extra
  // document there.
  const key = `e2e-${Date.now()}`
  const note = { note: 'created once', n: 1 }
  const first = await post(base, '/api/items', note, { 'Idempotency-Key': `"${key}"` })
  const again = await post(base, '/api/items', note, { 'Idempotency-Key': `"${key}"` })
  const ignored =
    again.status === 201 &&
    again.headers.get('Idempotent-Replayed') === null &&
    again.headers.get('Location') !== first.headers.get('Location')
  if (ignored) {
    console.log(
      'skip a retried POST with the same Idempotency-Key (the server ignores the key: a second POST with it ' +
        `created ${again.headers.get('Location')} beside ${first.headers.get('Location')})`,
    )
  } else {
    await checks.run(
      'a POST retried with its Idempotency-Key creates nothing and answers as the first did, replayed',
      async () => {
        assert.equal(first.status, 201, first.body.toString('utf8'))
        assert.equal(first.headers.get('Idempotent-Replayed'), null, 'the first answer is no replay')
        assert.equal(again.status, 201, again.body.toString('utf8'))
        assert.equal(again.headers.get('Idempotent-Replayed'), 'true')
        for (const field of ['Location', 'Content-Location', 'ETag', 'Last-Modified']) {
          assert.equal(again.headers.get(field), first.headers.get(field), field)
        }
        assert.ok(again.body.equals(first.body), 'the same body')
        // The key as a bare token is the same key.
        const bare = await post(base, '/api/items', note, { 'Idempotency-Key': key })
        assert.equal(bare.status, 201)
        assert.equal(bare.headers.get('Location'), first.headers.get('Location'))
        const items = json<Page>(await send(base, '/api/items'))
        assert.deepEqual(
          items.items.map((item) => `/api/items/${item.id}`),
          [first.headers.get('Location')],
          'one document',
        )
        return `${first.headers.get('Location')}, answered three times`
      },
    )

    await checks.run(
      'the key with another body is a 422, a malformed key a 400, and neither creates anything',
      async () => {
        const other = await post(base, '/api/items', { note: 'another' }, { 'Idempotency-Key': `"${key}"` })
        const detail = expectProblem(other, 422, 'the key with another body')
        assert.match(detail, /Idempotency-Key/)
        for (const malformed of ['"unterminated', '""', `"${'k'.repeat(256)}"`, 'two words']) {
          expectProblem(
            await post(base, '/api/items', note, { 'Idempotency-Key': malformed }),
            400,
            `Idempotency-Key: ${malformed.slice(0, 20)}`,
          )
        }
        assert.equal(json<Page>(await send(base, '/api/items')).items.length, 1, 'still one document')
        return detail
      },
    )

    await checks.run(
      'two POSTs at once with one key create one document: the other is a replay or a 409',
      async () => {
        const concurrentKey = `${key}-concurrent`
        const headers = { 'Idempotency-Key': `"${concurrentKey}"` }
        const replies = await Promise.all([
          post(base, '/api/items', { race: 1 }, headers),
          post(base, '/api/items', { race: 1 }, headers),
        ])
        const statuses = replies.map((reply) => reply.status).sort()
        assert.ok(
          String(statuses) === '201,201' || String(statuses) === '201,409',
          `statuses ${statuses.join(', ')}`,
        )
        const locations = new Set(
          replies.filter((reply) => reply.status === 201).map((reply) => reply.headers.get('Location')),
        )
        assert.equal(locations.size, 1, 'one Location')
        assert.equal(json<Page>(await send(base, '/api/items')).items.length, 2, 'one more document')
        return `statuses ${statuses.join(', ')}`
      },
    )
  }

  const created: { id: string; value: Task }[] = []
  for (const value of TASKS) {
    const reply = await post(base, '/api/tasks', value)
    assert.equal(reply.status, 201, `POST ${value.title}: ${reply.body.toString('utf8')}`)
    created.push({ id: (reply.headers.get('Location') ?? '').slice('/api/tasks/'.length), value })
  }

  const QUERIES = [
    { query: '?done=false', want: model(created, (task) => !task.done) },
    { query: '?done=true', want: model(created, (task) => task.done) },
    { query: '?tags=home', want: model(created, (task) => task.tags?.includes('home') ?? false) },
    { query: '?tags=garden', want: [] },
    { query: '?sort=due', want: model(created, () => true, 'due') },
    { query: '?sort=-due', want: model(created, () => true, '-due') },
    { query: '?done=false&sort=due', want: model(created, (task) => !task.done, 'due') },
    { query: '?done=false&sort=-due', want: model(created, (task) => !task.done, '-due') },
  ]
  for (const { query, want } of QUERIES) {
    await checks.run(
      `${query} answers exactly the matching tasks in order, page by page, each page a strong ETag and a 304`,
      async () => {
        const whole = await send(base, `/api/tasks${query}`)
        assert.equal(whole.status, 200)
        const page = json<Page>(whole)
        assert.deepEqual(
          page.items.map((item) => item.id),
          want,
          'one page',
        )
        for (const item of page.items) {
          assert.deepEqual(
            item.value,
            created.find(({ id }) => id === item.id)?.value,
            `the value of ${item.id}`,
          )
        }
        const walked = await walk(base, query, 2)
        assert.deepEqual(walked.ids, want, 'two by two')
        return `${want.length} tasks, ${walked.pages} page${walked.pages === 1 ? '' : 's'} of 2, each revalidated to a 304`
      },
    )
  }

  await checks.run(
    'a query no declared index serves is a 400 problem naming the queries served',
    async () => {
      const refused = [
        '/api/tasks?title=Buy%20milk',
        '/api/tasks?tags=home&sort=due',
        '/api/tasks?done=false&tags=home',
        '/api/tasks?sort=title',
        '/api/tasks?done=false&done=true',
        '/api/items?done=false',
      ]
      const details = []
      for (const path of refused) details.push(expectProblem(await send(base, path), 400, `GET ${path}`))
      assert.match(details[0] ?? '', /\?done=<value>/)
      return `${refused.length} refused`
    },
  )
} catch (error) {
  checks.fail('the server could not be set up or driven', error)
} finally {
  await server?.stop()
  checks.finish()
}
