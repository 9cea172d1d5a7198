import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { clearStore, etagOf, get, itemUrl, put, putTask, request, sha256Tag, taskUrl } from './api.ts'

beforeEach(clearStore)

// A refused task is the client's mistake: nothing may reach the log as an unexpected error.
let consoleError: MockInstance<typeof console.error>
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined)
})
afterEach(() => {
  consoleError.mockRestore()
})

const VALID = { title: 'Buy milk', done: false }
const TEN_TAGS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']

function getTask(id: string): Promise<Response> {
  return request(taskUrl(id))
}

/** snapshot captures what GET serves for a task, to show that a refused write changed nothing. */
async function snapshot(id: string) {
  const response = await getTask(id)
  return {
    status: response.status,
    body: await response.text(),
    etag: response.headers.get('ETag'),
    lastModified: response.headers.get('Last-Modified'),
  }
}

/** pointersOf returns the JSON Pointers a 422 problem's `errors` names, as a set. */
async function pointersOf(response: Response): Promise<Set<string>> {
  const problem = (await response.json()) as { errors?: { pointer: string }[] }
  return new Set((problem.errors ?? []).map((error) => error.pointer))
}

describe('the tasks schema', () => {
  it.each([
    { task: 'a title and done', body: VALID },
    { task: 'a title of 1 character', body: { ...VALID, title: 'x' } },
    { task: 'a title of 200 ASCII characters', body: { ...VALID, title: 'x'.repeat(200) } },
    // Characters are code points: 200 emoji are 400 UTF-16 code units, and still 200 characters.
    { task: 'a title of 200 emoji', body: { ...VALID, title: '😀'.repeat(200) } },
    { task: 'done true', body: { ...VALID, done: true } },
    { task: 'a due date', body: { ...VALID, due: '2026-12-31' } },
    { task: 'a due date of 29 February in a leap year', body: { ...VALID, due: '2024-02-29' } },
    { task: 'no tags', body: { ...VALID, tags: [] } },
    { task: '10 distinct tags', body: { ...VALID, tags: TEN_TAGS } },
    { task: 'a tag of 32 characters', body: { ...VALID, tags: ['t'.repeat(32)] } },
    { task: 'a tag of 32 emoji', body: { ...VALID, tags: ['🙂'.repeat(32)] } },
    { task: 'every member', body: { title: 'Ship', done: true, due: '2026-06-30', tags: ['work', 'q2'] } },
  ])('accepts $task: 201, and GET returns it', async ({ body }) => {
    const created = await putTask('t1', body)
    expect(created.status).toBe(201)

    const read = await getTask('t1')
    expect(read.status).toBe(200)
    expect(await read.json()).toEqual(body)
  })

  it.each([
    { problem: 'an empty object', body: {}, pointers: ['/title', '/done'] },
    { problem: 'a missing title', body: { done: false }, pointers: ['/title'] },
    { problem: 'an empty title', body: { ...VALID, title: '' }, pointers: ['/title'] },
    {
      problem: 'a title of 201 ASCII characters',
      body: { ...VALID, title: 'x'.repeat(201) },
      pointers: ['/title'],
    },
    { problem: 'a title of 201 emoji', body: { ...VALID, title: '😀'.repeat(201) }, pointers: ['/title'] },
    { problem: 'a title that is a number', body: { ...VALID, title: 42 }, pointers: ['/title'] },
    { problem: 'a title that is null', body: { ...VALID, title: null }, pointers: ['/title'] },
    { problem: 'a missing done', body: { title: 'Buy milk' }, pointers: ['/done'] },
    { problem: 'done as a string', body: { ...VALID, done: 'yes' }, pointers: ['/done'] },
    { problem: 'done as a number', body: { ...VALID, done: 0 }, pointers: ['/done'] },
    { problem: 'done as null', body: { ...VALID, done: null }, pointers: ['/done'] },
    {
      problem: 'due on 29 February of a common year',
      body: { ...VALID, due: '2023-02-29' },
      pointers: ['/due'],
    },
    { problem: 'due on 31 April', body: { ...VALID, due: '2026-04-31' }, pointers: ['/due'] },
    { problem: 'due in month 13', body: { ...VALID, due: '2026-13-01' }, pointers: ['/due'] },
    { problem: 'due with a one-digit month', body: { ...VALID, due: '2026-1-01' }, pointers: ['/due'] },
    { problem: 'due without dashes', body: { ...VALID, due: '20260101' }, pointers: ['/due'] },
    { problem: 'due with a time', body: { ...VALID, due: '2026-01-01T00:00:00Z' }, pointers: ['/due'] },
    { problem: 'due that is not a string', body: { ...VALID, due: 20260101 }, pointers: ['/due'] },
    { problem: 'due as null', body: { ...VALID, due: null }, pointers: ['/due'] },
    { problem: '11 tags', body: { ...VALID, tags: [...TEN_TAGS, 'k'] }, pointers: ['/tags'] },
    { problem: 'a repeated tag', body: { ...VALID, tags: ['a', 'b', 'a'] }, pointers: ['/tags/2'] },
    { problem: 'an empty tag', body: { ...VALID, tags: [''] }, pointers: ['/tags/0'] },
    {
      problem: 'a tag of 33 characters',
      body: { ...VALID, tags: ['ok', 't'.repeat(33)] },
      pointers: ['/tags/1'],
    },
    { problem: 'a tag that is not a string', body: { ...VALID, tags: ['ok', 7] }, pointers: ['/tags/1'] },
    { problem: 'tags that are a string', body: { ...VALID, tags: 'work' }, pointers: ['/tags'] },
    { problem: 'an unknown member', body: { ...VALID, colour: 'red' }, pointers: ['/colour'] },
    {
      problem: 'two unknown members',
      body: { ...VALID, colour: 'red', priority: 1 },
      pointers: ['/colour', '/priority'],
    },
    {
      problem: 'a member named "a/b~c"',
      body: { ...VALID, 'a/b~c': 1 },
      pointers: ['/a~1b~0c'],
    },
    {
      problem: 'several problems at once',
      body: { title: '', done: 'no', colour: 'red' },
      pointers: ['/title', '/done', '/colour'],
    },
  ])('refuses $problem: 422 naming $pointers, storing nothing', async ({ body, pointers }) => {
    const refused = await putTask('t1', body)

    expect(refused.status).toBe(422)
    expect(await pointersOf(refused)).toEqual(new Set(pointers))
    expect((await getTask('t1')).status).toBe(404)
  })

  it('reports one error for one bad date, and a missing member as required', async () => {
    const refused = await putTask('t1', { title: 'x', due: '2024-1-1' })
    const { errors } = (await refused.json()) as { errors: { pointer: string; detail: string }[] }
    expect(errors).toEqual([
      { pointer: '/done', detail: 'Required' },
      { pointer: '/due', detail: 'Must be a date, YYYY-MM-DD' },
    ])
  })

  it('answers a refused task with a problem+json body listing each error', async () => {
    const refused = await putTask('t1', { title: '', done: 'no' })

    expect(refused.status).toBe(422)
    expect(refused.headers.get('Content-Type')).toBe('application/problem+json')
    const problem = (await refused.json()) as Record<string, unknown>
    expect(problem).toMatchObject({ type: 'about:blank', title: 'Unprocessable Content', status: 422 })
    expect(problem.detail).toEqual(expect.any(String))
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/title', detail: expect.any(String) },
        { pointer: '/done', detail: expect.any(String) },
      ]),
    )
    expect(problem.errors).toHaveLength(2)
  })

  it('lists at most 100 errors, counting the rest, for a task with 20 000 unknown members', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 20_000 }, (_, index) => [`m${index}`, 0]))
    const refused = await putTask('t1', { ...VALID, ...unknown })

    expect(refused.status).toBe(422)
    const text = await refused.text()
    // One error per member would be a megabyte; a hundred are a few kilobytes.
    expect(text.length).toBeLessThan(16_384)
    const problem = JSON.parse(text) as {
      detail: string
      errors: { pointer: string }[]
      omittedErrors: number
    }
    expect(problem.errors).toHaveLength(100)
    expect(problem.errors[0]).toEqual({ pointer: '/m0', detail: expect.any(String) })
    expect(problem.omittedErrors).toBe(19_900)
    expect(problem.detail).toContain('20000 problems')
    expect((await getTask('t1')).status).toBe(404)
  })

  it('lists all of 100 errors, with nothing omitted', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`m${index}`, 0]))
    const problem = (await (await putTask('t1', { ...VALID, ...unknown })).json()) as Record<string, unknown>
    expect(problem.errors).toHaveLength(100)
    expect(problem).not.toHaveProperty('omittedErrors')
  })

  it('leaves the stored task byte-identical, with the same ETag, when a replacement is refused', async () => {
    expect((await putTask('t1', VALID)).status).toBe(201)
    const before = await snapshot('t1')

    const refused = await putTask('t1', { ...VALID, done: 'yes' })

    expect(refused.status).toBe(422)
    expect(await snapshot('t1')).toEqual(before)
  })

  it('stores a valid task as canonical bytes: 201, then 200 on replacement, and GET serves their SHA-256 tag', async () => {
    // Create: members out of order, with whitespace; the answer is the canonical form.
    const created = await putTask('t1', '{ "title": "Buy milk", "tags": ["b", "a"], "done": false }')
    expect(created.status).toBe(201)
    expect(await created.text()).toBe('{"done":false,"tags":["b","a"],"title":"Buy milk"}')

    // Replace.
    const replaced = await putTask('t1', '{ "done": true, "title": "Buy milk", "due": "2024-02-29" }')
    expect(replaced.status).toBe(200)

    // Read: the canonical bytes, tagged with their SHA-256.
    const read = await getTask('t1')
    const bytes = new Uint8Array(await read.arrayBuffer())
    expect(read.status).toBe(200)
    expect(new TextDecoder().decode(bytes)).toBe('{"done":true,"due":"2024-02-29","title":"Buy milk"}')
    expect(etagOf(read)).toBe(await sha256Tag(bytes))
    expect(etagOf(read)).toBe(etagOf(replaced))
  })
})

describe('the items resource', () => {
  it('accepts any JSON object, with no schema', async () => {
    const created = await put('i1', { anything: [1, { x: null }] })
    expect(created.status).toBe(201)
    expect(await (await get('i1')).text()).toBe('{"anything":[1,{"x":null}]}')
  })

  it('accepts what the tasks schema refuses', async () => {
    const notATask = { title: 42, done: 'yes', colour: 'red' }
    expect((await putTask('same', notATask)).status).toBe(422)
    expect((await put('same', notATask)).status).toBe(201)
    expect(await (await request(itemUrl('same'))).json()).toEqual(notATask)
  })
})
