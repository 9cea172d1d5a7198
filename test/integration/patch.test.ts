import { beforeEach, describe, expect, it } from 'vitest'
import {
  AUTH,
  clearStore,
  etagOf,
  expectProblem,
  fetchWith,
  forbidUnexpectedErrors,
  itemUrl,
  MERGE_PATCH_TYPE,
  patch,
  put,
  putTask,
  request,
  sha256Tag,
  snapshot,
  taskUrl,
} from './api.ts'

beforeEach(clearStore)

// No request in this file is the server's fault: nothing may be logged as an unexpected error.
forbidUnexpectedErrors()

const MERGE_PATCH = 'application/merge-patch+json'
/** A well-formed strong tag that no document here has. */
const OTHER_TAG = '"not-the-current-tag"'

/**
 * expectApplied checks that a PATCH answered 200 with the patched document and validators of its own: an ETag
 * that is the hash of the new bytes, a Last-Modified later than the one before, and that a GET afterwards
 * serves exactly that. It returns the answer's body.
 */
async function expectApplied(
  patched: Response,
  url: string,
  before: Awaited<ReturnType<typeof snapshot>>,
  document: unknown,
): Promise<string> {
  expect(patched.status).toBe(200)
  const body = await patched.text()
  expect(JSON.parse(body)).toEqual(document)
  const etag = etagOf(patched)
  expect(etag).toBe(await sha256Tag(new TextEncoder().encode(body)))
  expect(etag).not.toBe(before.etag)
  const lastModified = patched.headers.get('Last-Modified')
  expect(Date.parse(lastModified ?? '')).toBeGreaterThan(Date.parse(before.lastModified ?? ''))
  expect(await snapshot(url)).toEqual({ status: 200, body, etag, lastModified })
  return body
}

/** pointersOf returns the JSON Pointers a 422 problem's `errors` names, as a set. */
function pointersOf(problem: Record<string, unknown>): Set<string> {
  const errors = (problem.errors ?? []) as { pointer: string }[]
  return new Set(errors.map((error) => error.pointer))
}

describe('PATCH applies JSON Merge Patch: every object example of RFC 7396 Appendix A', () => {
  it.each([
    { target: { a: 'b' }, patch: { a: 'c' }, result: '{"a":"c"}' },
    { target: { a: 'b' }, patch: { b: 'c' }, result: '{"a":"b","b":"c"}' },
    { target: { a: 'b' }, patch: { a: null }, result: '{}' },
    { target: { a: 'b', b: 'c' }, patch: { a: null }, result: '{"b":"c"}' },
    { target: { a: ['b'] }, patch: { a: 'c' }, result: '{"a":"c"}' },
    { target: { a: 'c' }, patch: { a: ['b'] }, result: '{"a":["b"]}' },
    { target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, result: '{"a":{"b":"d"}}' },
    { target: { a: [{ b: 'c' }] }, patch: { a: [1] }, result: '{"a":[1]}' },
    { target: { e: null }, patch: { a: 1 }, result: '{"a":1,"e":null}' },
    { target: {}, patch: { a: { bb: { ccc: null } } }, result: '{"a":{"bb":{}}}' },
  ])('turns $target patched with $patch into $result', async ({ target, patch: mergePatch, result }) => {
    // The target.
    expect((await put('doc', target)).status).toBe(201)

    // The patch: 200 with the canonical result and its tag.
    const patched = await patch(itemUrl('doc'), mergePatch)
    expect(patched.status).toBe(200)
    expect(await patched.text()).toBe(result)
    expect(etagOf(patched)).toBe(await sha256Tag(new TextEncoder().encode(result)))

    // The read: the same bytes and tag.
    const read = await request(itemUrl('doc'))
    expect(await read.text()).toBe(result)
    expect(etagOf(read)).toBe(etagOf(patched))
  })
})

describe.each([
  {
    resource: 'items',
    url: itemUrl,
    putDocument: put,
    document: { name: 'Apple', price: 1 },
    change: { price: 2 },
    unchanging: [{}, { price: 1 }, { absent: null }],
  },
  {
    resource: 'tasks',
    url: taskUrl,
    putDocument: putTask,
    document: { title: 'Buy milk', done: false },
    change: { done: true },
    unchanging: [{}, { done: false }, { due: null }],
  },
])('PATCH /api/$resource/:id', ({ resource, url, putDocument, document, change, unchanging }) => {
  it('answers as a replacing PUT does: 200 with the stored representation, ETag, Last-Modified, Content-Location', async () => {
    await putDocument('doc', document)
    const replaced = await putDocument('other', document)
    const replacedAgain = await putDocument('other', { ...document, ...change })
    expect(replaced.status).toBe(201)

    const patched = await patch(url('doc'), change)
    const read = await request(url('doc'))
    const body = await patched.text()

    expect(patched.status).toBe(200)
    expect(patched.headers.get('Content-Type')).toBe('application/json')
    expect(patched.headers.get('Content-Location')).toBe(`/api/${resource}/doc`)
    expect(patched.headers.get('Location')).toBeNull()
    expect(JSON.parse(body)).toEqual({ ...document, ...change })
    expect(body).toBe(await read.text())
    expect(etagOf(patched)).toBe(etagOf(read))
    expect(patched.headers.get('Last-Modified')).toBe(read.headers.get('Last-Modified'))
    expect(patched.headers.get('Last-Modified')).not.toBeNull()
    // The same fields as the PUT that made the same change to another document.
    expect([...patched.headers.keys()]).toEqual([...replacedAgain.headers.keys()])
  })

  describe('preconditions', () => {
    it('applies the patch when If-Match carries the current tag, and stores it with new validators', async () => {
      const etag = etagOf(await putDocument('doc', document))
      const before = await snapshot(url('doc'))

      const patched = await patch(url('doc'), change, { 'If-Match': etag })
      await expectApplied(patched, url('doc'), before, { ...document, ...change })
    })

    it('applies the patch to an existing document when If-Match is *, and stores it with new validators', async () => {
      await putDocument('doc', document)
      const before = await snapshot(url('doc'))

      const patched = await patch(url('doc'), change, { 'If-Match': '*' })
      await expectApplied(patched, url('doc'), before, { ...document, ...change })
    })

    it('answers 412 to a stale If-Match and changes nothing', async () => {
      const stale = etagOf(await putDocument('doc', document))
      await putDocument('doc', { ...document, ...change })
      const before = await snapshot(url('doc'))

      await expectProblem(await patch(url('doc'), document, { 'If-Match': stale }), 412)
      expect(await snapshot(url('doc'))).toEqual(before)
    })

    it('answers 412 to an If-Unmodified-Since before Last-Modified and changes nothing', async () => {
      const created = await putDocument('doc', document)
      const lastModified = Date.parse(created.headers.get('Last-Modified') ?? '')
      const before = await snapshot(url('doc'))

      const earlier = new Date(lastModified - 1000).toUTCString()
      await expectProblem(await patch(url('doc'), change, { 'If-Unmodified-Since': earlier }), 412)
      expect(await snapshot(url('doc'))).toEqual(before)
    })

    it('answers 428 without If-Match when REQUIRE_IF_MATCH is true, and 200 with it', async () => {
      const required = { REQUIRE_IF_MATCH: 'true' }
      const init = (headers: Record<string, string> = {}) => ({
        method: 'PATCH',
        headers: { ...AUTH, ...MERGE_PATCH_TYPE, ...headers },
        body: JSON.stringify(change),
      })
      const etag = etagOf(await putDocument('doc', document))
      const before = await snapshot(url('doc'))

      // Without If-Match: refused, nothing changed.
      await expectProblem(await fetchWith(required, url('doc'), init()), 428)
      expect(await snapshot(url('doc'))).toEqual(before)

      // With the current tag: applied.
      const patched = await fetchWith(required, url('doc'), init({ 'If-Match': etag }))
      await expectApplied(patched, url('doc'), before, { ...document, ...change })
    })

    it.each([
      { content: 'malformed JSON', body: '{"price":' },
      { content: 'a patch whose result is not an object', body: '[1]' },
    ])(
      'answers 412, not 400 or 422, to a stale If-Match with $content (RFC 9110 section 13.2.1)',
      async ({ body }) => {
        await putDocument('doc', document)
        const before = await snapshot(url('doc'))
        await expectProblem(await patch(url('doc'), body, { 'If-Match': OTHER_TAG }), 412)
        expect(await snapshot(url('doc'))).toEqual(before)
      },
    )
  })

  it.each([
    { conditions: 'no precondition', headers: {} },
    { conditions: 'If-Match: *', headers: { 'If-Match': '*' } },
    { conditions: 'If-Match with a tag', headers: { 'If-Match': OTHER_TAG } },
  ])(
    'answers 404 to a patch of a missing document with $conditions, creating nothing',
    async ({ headers }) => {
      const problem = await expectProblem(await patch(url('ghost'), change, headers), 404)
      expect(problem.detail).toContain(`${resource}/ghost`)
      expect((await request(url('ghost'))).status).toBe(404)
    },
  )

  it.each([
    { sent: 'Content-Type: application/json', contentType: 'application/json' },
    { sent: 'Content-Type: text/plain', contentType: 'text/plain' },
    { sent: 'Content-Type: application/json-patch+json', contentType: 'application/json-patch+json' },
    { sent: 'no Content-Type', contentType: null },
  ])('answers 415 with Accept-Patch to $sent, changing nothing', async ({ contentType }) => {
    await putDocument('doc', document)
    const before = await snapshot(url('doc'))

    // A body given as bytes gets no Content-Type from fetch; a string would get text/plain.
    const response = await request(url('doc'), {
      method: 'PATCH',
      headers: { ...AUTH, ...(contentType === null ? {} : { 'Content-Type': contentType }) },
      body: new TextEncoder().encode(JSON.stringify(change)),
    })

    await expectProblem(response, 415)
    expect(response.headers.get('Accept-Patch')).toBe(MERGE_PATCH)
    expect(await snapshot(url('doc'))).toEqual(before)
  })

  it.each([
    // RFC 7396 section 2: a patch that is not an object, null included, replaces the target whole.
    { patchIs: 'an array', body: '["c"]' },
    { patchIs: 'a string', body: '"bar"' },
    { patchIs: 'a number', body: '42' },
    { patchIs: 'true', body: 'true' },
    { patchIs: 'null', body: 'null' },
  ])(
    'answers 422 to a patch that is $patchIs, since the result is not an object, storing nothing',
    async ({ body }) => {
      await putDocument('doc', document)
      const before = await snapshot(url('doc'))

      await expectProblem(await patch(url('doc'), body), 422)
      expect(await snapshot(url('doc'))).toEqual(before)
    },
  )

  it.each([
    { body: 'malformed JSON', text: '{"price":' },
    { body: 'trailing garbage', text: '{"price":2} x' },
    { body: 'an empty body', text: '' },
  ])('answers 400 to $body, changing nothing', async ({ text }) => {
    await putDocument('doc', document)
    const before = await snapshot(url('doc'))

    await expectProblem(await patch(url('doc'), text), 400)
    expect(await snapshot(url('doc'))).toEqual(before)
  })

  it.each(unchanging.map((noChange) => ({ noChange })))(
    'answers 200 with the same ETag and Last-Modified to $noChange, which changes nothing',
    async ({ noChange }) => {
      const created = await putDocument('doc', document)
      const before = await snapshot(url('doc'))

      const patched = await patch(url('doc'), noChange)

      expect(patched.status).toBe(200)
      expect(etagOf(patched)).toBe(etagOf(created))
      expect(patched.headers.get('Last-Modified')).toBe(created.headers.get('Last-Modified'))
      expect(await patched.text()).toBe(before.body)
      expect(await snapshot(url('doc'))).toEqual(before)
    },
  )

  it('answers 401 with WWW-Authenticate without a bearer token, changing nothing', async () => {
    await putDocument('doc', document)
    const before = await snapshot(url('doc'))

    const response = await request(url('doc'), {
      method: 'PATCH',
      headers: MERGE_PATCH_TYPE,
      body: JSON.stringify(change),
    })

    await expectProblem(response, 401)
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer /)
    expect(await snapshot(url('doc'))).toEqual(before)
  })

  describe('Accept-Patch (RFC 5789 section 3.1)', () => {
    it.each([{ method: 'GET' }, { method: 'HEAD' }, { method: 'OPTIONS' }])(
      'is sent in answer to $method of a document',
      async ({ method }) => {
        await putDocument('doc', document)
        const response = await request(url('doc'), { method })
        expect(response.status).toBeLessThan(300)
        expect(response.headers.get('Accept-Patch')).toBe(MERGE_PATCH)
      },
    )

    it('is sent with OPTIONS of a document not yet created, whose Allow lists PATCH', async () => {
      const response = await request(url('doc'), { method: 'OPTIONS' })
      expect(response.status).toBe(204)
      expect(response.headers.get('Allow')?.split(', ')).toContain('PATCH')
      expect(response.headers.get('Accept-Patch')).toBe(MERGE_PATCH)
    })
  })
})

describe('PATCH /api/tasks/:id and the tasks schema', () => {
  const TASK = { title: 'Buy milk', done: false, due: '2026-06-30' }

  it.each([
    { patchDoes: 'sets done to a string', patch: { done: 'yes' }, pointers: ['/done'] },
    { patchDoes: 'adds an unknown member', patch: { extra: 1 }, pointers: ['/extra'] },
    { patchDoes: 'removes the required title', patch: { title: null }, pointers: ['/title'] },
    { patchDoes: 'removes the required done', patch: { done: null }, pointers: ['/done'] },
    { patchDoes: 'empties the title', patch: { title: '' }, pointers: ['/title'] },
    { patchDoes: 'sets due to 2023-02-29', patch: { due: '2023-02-29' }, pointers: ['/due'] },
    { patchDoes: 'sets due to month 13', patch: { due: '2026-13-01' }, pointers: ['/due'] },
    { patchDoes: 'repeats a tag', patch: { tags: ['a', 'a'] }, pointers: ['/tags/1'] },
    {
      patchDoes: 'adds a member named __proto__',
      patch: '{"__proto__":{"polluted":true}}',
      pointers: ['/__proto__'],
    },
  ])(
    'answers 422 naming $pointers to a patch that $patchDoes, storing nothing',
    async ({ patch: mergePatch, pointers }) => {
      await putTask('t1', TASK)
      const before = await snapshot(taskUrl('t1'))

      const problem = await expectProblem(await patch(taskUrl('t1'), mergePatch), 422)

      expect(pointersOf(problem)).toEqual(new Set(pointers))
      expect(await snapshot(taskUrl('t1'))).toEqual(before)
    },
  )

  it('removes an optional member patched to null', async () => {
    await putTask('t1', TASK)
    const before = await snapshot(taskUrl('t1'))

    const patched = await patch(taskUrl('t1'), { due: null, tags: ['home'] })
    const body = await expectApplied(patched, taskUrl('t1'), before, {
      done: false,
      tags: ['home'],
      title: 'Buy milk',
    })
    expect(body).toBe('{"done":false,"tags":["home"],"title":"Buy milk"}')
  })
})

describe('a patch with a member named __proto__', () => {
  it('stores it as an ordinary member and pollutes no prototype', async () => {
    await put('doc', { name: 'Apple' })

    const patched = await patch(itemUrl('doc'), '{"__proto__":{"polluted":true}}')
    expect(patched.status).toBe(200)
    expect(await patched.text()).toBe('{"__proto__":{"polluted":true},"name":"Apple"}')

    // What GET serves has the member, as data.
    const read = await request(itemUrl('doc'))
    expect(await read.text()).toBe('{"__proto__":{"polluted":true},"name":"Apple"}')

    // No object, here or in documents written after it, inherits the member.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    await put('fresh', { v: 1 })
    expect(await (await request(itemUrl('fresh'))).text()).toBe('{"v":1}')
    expect(await (await patch(itemUrl('fresh'), { w: 2 })).text()).toBe('{"v":1,"w":2}')
  })
})
