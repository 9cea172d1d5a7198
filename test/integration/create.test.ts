import { beforeEach, describe, expect, it } from 'vitest'
import { UUID_V7_PATTERN } from '../../src/documents/uuid-v7.ts'
import {
  AUTH,
  clearStore,
  etagOf,
  expectProblem,
  JSON_TYPE,
  ORIGIN,
  request,
  sha256Tag,
  TASKS_URL,
  taskUrl,
} from './api.ts'

beforeEach(clearStore)

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(TASKS_URL, {
    method: 'POST',
    headers: { ...AUTH, ...JSON_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

describe('POST to a collection', () => {
  it('creates a document under a UUIDv7 the server picks: 201, Location, the stored representation and its validators', async () => {
    const created = await post('{ "title": "Buy milk", "done": false }')

    expect(created.status).toBe(201)
    const location = created.headers.get('Location') ?? ''
    // A relative reference, never built from the request's Host.
    expect(location).toMatch(/^\/api\/tasks\/[0-9a-f-]{36}$/)
    const id = location.slice('/api/tasks/'.length)
    expect(id).toMatch(UUID_V7_PATTERN)
    expect(created.headers.get('Content-Location')).toBe(location)
    const body = new Uint8Array(await created.arrayBuffer())
    expect(new TextDecoder().decode(body)).toBe('{"done":false,"title":"Buy milk"}')
    expect(etagOf(created)).toBe(await sha256Tag(body))
    expect(created.headers.get('Last-Modified')).toMatch(/ GMT$/)

    // GET at Location serves the same bytes with the same validators.
    const read = await request(`${ORIGIN}${location}`)
    expect(read.status).toBe(200)
    expect(etagOf(read)).toBe(etagOf(created))
    expect(read.headers.get('Last-Modified')).toBe(created.headers.get('Last-Modified'))
    expect(await read.text()).toBe('{"done":false,"title":"Buy milk"}')
  })

  it('picks a new id for every POST, and a page in id order lists them oldest first', async () => {
    const titles = ['first', 'second', 'third', 'fourth', 'fifth']
    const ids: string[] = []
    for (const title of titles) {
      const created = await post({ title, done: false })
      expect(created.status).toBe(201)
      ids.push((created.headers.get('Location') ?? '').slice('/api/tasks/'.length))
    }

    expect(new Set(ids).size).toBe(titles.length)
    const page = (await (await request(TASKS_URL)).json()) as {
      items: { id: string; value: { title: string } }[]
    }
    expect(page.items.map((item) => item.value.title)).toEqual(titles)
    expect(page.items.map((item) => item.id)).toEqual(ids)
  })

  it('checks the body as PUT does: 422 with errors for what the schema refuses, and creates nothing', async () => {
    const refused = await post({ title: '', done: 'no' })
    const problem = await expectProblem(refused, 422)
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/title' })]))
    const page = (await (await request(TASKS_URL)).json()) as { items: unknown[] }
    expect(page.items).toEqual([])
  })

  it.each([
    { what: 'no token', init: { headers: JSON_TYPE, body: '{"title":"x","done":false}' }, status: 401 },
    {
      what: 'a body that is not JSON',
      init: { headers: { ...AUTH, ...JSON_TYPE }, body: '{"title":' },
      status: 400,
    },
    {
      what: 'a body that is not application/json',
      init: { headers: { ...AUTH, 'Content-Type': 'text/plain' }, body: '{"title":"x","done":false}' },
      status: 415,
    },
  ])('answers $status to a POST with $what, creating nothing', async ({ init, status }) => {
    await expectProblem(await request(TASKS_URL, { method: 'POST', ...init }), status)
    const page = (await (await request(TASKS_URL)).json()) as { items: unknown[] }
    expect(page.items).toEqual([])
  })

  it('lists POST in Allow on a collection, and answers POST on a document URL with 405 and an Allow without it', async () => {
    const options = await request(TASKS_URL, { method: 'OPTIONS' })
    expect(options.status).toBe(204)
    expect(options.headers.get('Allow')).toBe('GET, HEAD, POST, OPTIONS')

    const onDocument = await request(taskUrl('t1'), {
      method: 'POST',
      headers: { ...AUTH, ...JSON_TYPE },
      body: '{"title":"x","done":false}',
    })
    await expectProblem(onDocument, 405)
    expect(onDocument.headers.get('Allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS')
  })
})
