import { beforeEach, describe, expect, it } from 'vitest'
import {
  AUTH,
  clearStore,
  expectProblem,
  forbidUnexpectedErrors,
  itemUrl,
  ORIGIN,
  put,
  putTask,
  request,
  snapshot,
  TASKS_URL,
  taskUrl,
} from './api.ts'

beforeEach(clearStore)

// No request in this file is the server's fault: nothing may be logged as an unexpected error.
forbidUnexpectedErrors()

const ITEM = { kind: 'fruit', colour: 'yellow' }
const TASK = { title: 'Buy bananas', done: false }
const DOCUMENT_METHODS = 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'
const COLLECTION_METHODS = 'GET, HEAD, POST, OPTIONS'

function remove(url: string): Promise<Response> {
  return request(url, { method: 'DELETE', headers: AUTH })
}

describe('two resources with the same id', () => {
  it('are two documents: a PUT to /api/tasks/banana leaves /api/items/banana as it was', async () => {
    // An item.
    expect((await put('banana', ITEM)).status).toBe(201)
    const item = await snapshot(itemUrl('banana'))

    // A task with the same id is created, not a replacement of the item.
    expect((await putTask('banana', TASK)).status).toBe(201)

    expect(await snapshot(itemUrl('banana'))).toEqual(item)
    expect(await (await request(taskUrl('banana'))).json()).toEqual(TASK)
  })

  it('are two documents: a PUT to /api/items/banana leaves /api/tasks/banana as it was', async () => {
    // A task.
    expect((await putTask('banana', TASK)).status).toBe(201)
    const task = await snapshot(taskUrl('banana'))

    // An item with the same id is created, not a replacement of the task.
    expect((await put('banana', ITEM)).status).toBe(201)

    expect(await snapshot(taskUrl('banana'))).toEqual(task)
    expect(await (await request(itemUrl('banana'))).json()).toEqual(ITEM)
  })

  it('are not found in each other: a task is not an item', async () => {
    await putTask('banana', TASK)
    expect((await request(itemUrl('banana'))).status).toBe(404)
  })

  it.each([
    { deleted: 'task', deleteUrl: taskUrl('banana'), keptUrl: itemUrl('banana') },
    { deleted: 'item', deleteUrl: itemUrl('banana'), keptUrl: taskUrl('banana') },
  ])('keep the other when the $deleted is deleted', async ({ deleteUrl, keptUrl }) => {
    await put('banana', ITEM)
    await putTask('banana', TASK)
    const kept = await snapshot(keptUrl)

    // Delete one: gone.
    expect((await remove(deleteUrl)).status).toBe(204)
    expect((await request(deleteUrl)).status).toBe(404)

    // The other: still there, byte for byte.
    expect(await snapshot(keptUrl)).toEqual(kept)
  })

  it('are listed only in their own collection', async () => {
    await put('apple', ITEM)
    await putTask('banana', TASK)

    const tasks = (await (await request(TASKS_URL)).json()) as { items: { id: string }[] }
    const items = (await (await request(`${ORIGIN}/api/items`)).json()) as { items: { id: string }[] }

    expect(tasks.items.map((member) => member.id)).toEqual(['banana'])
    expect(items.items.map((member) => member.id)).toEqual(['apple'])
  })
})

describe('error details', () => {
  it.each([
    {
      request: 'GET of a missing task',
      method: 'GET',
      url: taskUrl('ghost'),
      status: 404,
      names: 'tasks/ghost',
    },
    {
      request: 'GET of a missing item',
      method: 'GET',
      url: itemUrl('ghost'),
      status: 404,
      names: 'items/ghost',
    },
    {
      request: 'DELETE of a missing task',
      method: 'DELETE',
      url: taskUrl('ghost'),
      status: 404,
      names: 'tasks/ghost',
    },
    {
      request: 'GET of a task with an invalid id',
      method: 'GET',
      url: taskUrl('bad%20id'),
      status: 400,
      names: 'tasks',
    },
    {
      request: 'GET of an item with an invalid id',
      method: 'GET',
      url: itemUrl('bad%20id'),
      status: 400,
      names: 'items',
    },
  ])('name the resource in the $status to a $request', async ({ method, url, status, names }) => {
    const problem = await expectProblem(await request(url, { method, headers: AUTH }), status)
    expect(problem.detail).toContain(names)
  })
})

describe('methods a path does not serve', () => {
  it.each([
    { method: 'POST', url: taskUrl('banana'), allow: DOCUMENT_METHODS },
    { method: 'POST', url: itemUrl('banana'), allow: DOCUMENT_METHODS },
    { method: 'PUT', url: TASKS_URL, allow: COLLECTION_METHODS },
    { method: 'PATCH', url: TASKS_URL, allow: COLLECTION_METHODS },
    { method: 'DELETE', url: TASKS_URL, allow: COLLECTION_METHODS },
    { method: 'PUT', url: `${ORIGIN}/api/items`, allow: COLLECTION_METHODS },
  ])('answer 405 with Allow: $allow to $method $url', async ({ method, url, allow }) => {
    const response = await request(url, {
      method,
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify(TASK),
    })
    await expectProblem(response, 405)
    expect(response.headers.get('Allow')).toBe(allow)
  })

  it('store nothing when refused with 405', async () => {
    await request(taskUrl('banana'), {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify(TASK),
    })
    expect((await request(taskUrl('banana'))).status).toBe(404)
  })
})

describe('OPTIONS', () => {
  it.each([
    { url: TASKS_URL, allow: COLLECTION_METHODS },
    { url: taskUrl('banana'), allow: DOCUMENT_METHODS },
    { url: `${ORIGIN}/api/items`, allow: COLLECTION_METHODS },
    { url: itemUrl('banana'), allow: DOCUMENT_METHODS },
  ])('answers 204 with Allow: $allow at $url', async ({ url, allow }) => {
    const response = await request(url, { method: 'OPTIONS' })
    expect(response.status).toBe(204)
    expect(response.headers.get('Allow')).toBe(allow)
    expect(await response.text()).toBe('')
  })
})

describe('paths where nothing is served', () => {
  it.each([
    { method: 'GET', path: '/nothing-here.html' },
    { method: 'GET', path: '/api' },
    { method: 'GET', path: '/api/things' },
    { method: 'GET', path: '/api/things/banana' },
    { method: 'GET', path: '/api/taskss/banana' },
    { method: 'GET', path: '/api/tasks/banana/peel' },
    { method: 'PUT', path: '/api/things/banana' },
    { method: 'OPTIONS', path: '/api/things' },
  ])('answer 404 problem+json to $method $path', async ({ method, path }) => {
    const response = await request(`${ORIGIN}${path}`, { method, headers: AUTH })
    const problem = await expectProblem(response, 404)
    expect(response.headers.get('Allow')).toBeNull()
    expect(problem.detail).toContain(path)
  })
})

describe('a 412 on a read', () => {
  it('carries the current ETag and Last-Modified, so the client sees what is current', async () => {
    const created = await put('pear', { v: 1 })
    const refused = await request(itemUrl('pear'), { headers: { 'If-Match': '"not-the-current-tag"' } })
    expect(refused.status).toBe(412)
    expect(refused.headers.get('ETag')).toBe(created.headers.get('ETag'))
    expect(refused.headers.get('Last-Modified')).toBe(created.headers.get('Last-Modified'))
  })
})
