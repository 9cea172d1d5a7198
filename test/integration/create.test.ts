import { env, runInDurableObject } from 'cloudflare:test'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { UUID_V7_PATTERN, uuidV7 } from '../../src/documents/uuid-v7.ts'
import type { Env } from '../../src/env.ts'
import { canonicalJson } from '../../src/http/canonical-json.ts'
import { type IdempotencyKeys, idempotencyKeyFor } from '../../src/store/idempotency-keys.ts'
import {
  AUTH,
  clearStore,
  etagOf,
  expectProblem,
  fetchWith,
  JSON_TYPE,
  ORIGIN,
  request,
  sha256Tag,
  TASKS_URL,
  taskUrl,
} from './api.ts'

beforeEach(clearStore)

/**
 * namedKey returns the object that remembers `key` for `resource`, named as the README says: the resource
 * and the SHA-256 of the key in hex (computed here independently of src/).
 */
async function namedKey(resource: string, key: string): Promise<DurableObjectStub<IdempotencyKeys>> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)))
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return (env as Env).IDEMPOTENCY_KEYS.getByName(`${resource}/${hex}`) as DurableObjectStub<IdempotencyKeys>
}

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

describe('POST with an Idempotency-Key', () => {
  const TASK = { title: 'Buy milk', done: false }

  async function documentsIn(url = TASKS_URL): Promise<string[]> {
    const page = (await (await request(url)).json()) as { items: { id: string }[] }
    return page.items.map((item) => item.id)
  }

  /** fingerprintOf is the tag of the canonical bytes the server stores for `value`, as it compares them. */
  async function fingerprintOf(value: unknown): Promise<string> {
    return sha256Tag(new TextEncoder().encode(canonicalJson(value)))
  }

  it('answers a retry with the same key and body what the first was answered, and creates nothing', async () => {
    const first = await post(TASK, { 'Idempotency-Key': '"8e03978e-40d5-43e8-bc93-6894a57f9324"' })
    expect(first.status).toBe(201)
    expect(first.headers.get('Idempotent-Replayed')).toBeNull()

    // The same key, bare this time, and the same content spelt differently.
    const retried = await post('{ "done": false, "title": "Buy milk" }', {
      'Idempotency-Key': '8e03978e-40d5-43e8-bc93-6894a57f9324',
    })
    expect(retried.status).toBe(201)
    expect(retried.headers.get('Idempotent-Replayed')).toBe('true')
    for (const field of ['Location', 'Content-Location', 'ETag', 'Last-Modified']) {
      expect(retried.headers.get(field), field).toBe(first.headers.get(field))
    }
    expect(await retried.text()).toBe(await first.text())
    expect(await documentsIn()).toHaveLength(1)
  })

  it('refuses the key reused with other content (422 naming Idempotency-Key), creating nothing', async () => {
    expect((await post(TASK, { 'Idempotency-Key': 'k1' })).status).toBe(201)
    const other = await post({ ...TASK, title: 'Buy bread' }, { 'Idempotency-Key': 'k1' })
    const problem = await expectProblem(other, 422)
    expect(problem.detail).toContain('Idempotency-Key')
    expect(await documentsIn()).toHaveLength(1)
  })

  it('answers 409 with Retry-After while the first request with the key is in flight', async () => {
    // The first request has claimed the key and not finished yet.
    const keys = await idempotencyKeyFor(env as Env, 'tasks', 'k2')
    expect((await keys.claim(await fingerprintOf(TASK), uuidV7())).result).toBe('create')

    const second = await post(TASK, { 'Idempotency-Key': 'k2' })
    await expectProblem(second, 409)
    expect(second.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(await documentsIn()).toHaveLength(0)
  })

  it('takes over a claim lost in flight after 30 s, creating under the id that claim chose, once', async () => {
    const id = uuidV7()
    await runInDurableObject(await namedKey('tasks', 'k3'), async (_, state) => {
      const fingerprint = await fingerprintOf(TASK)
      const claimedAt = Date.now() - 60_000
      await state.storage.put('key', {
        fingerprint,
        id,
        claimedAt,
        expiresAt: claimedAt + 86_400_000,
        answer: null,
      })
    })

    const taken = await post(TASK, { 'Idempotency-Key': 'k3' })
    expect(taken.status).toBe(201)
    expect(taken.headers.get('Location')).toBe(`/api/tasks/${id}`)
    const again = await post(TASK, { 'Idempotency-Key': 'k3' })
    expect(again.headers.get('Idempotent-Replayed')).toBe('true')
    expect(await documentsIn()).toEqual([id])
  })

  it('forgets a key after 24 hours: the same key then creates anew', async () => {
    expect((await post(TASK, { 'Idempotency-Key': 'k4' })).status).toBe(201)
    await runInDurableObject(await namedKey('tasks', 'k4'), async (_, state) => {
      const held = (await state.storage.get('key')) as Record<string, unknown>
      await state.storage.put('key', { ...held, expiresAt: Date.now() - 1 })
    })
    const later = await post(TASK, { 'Idempotency-Key': 'k4' })
    expect(later.status).toBe(201)
    expect(later.headers.get('Idempotent-Replayed')).toBeNull()
    expect(await documentsIn()).toHaveLength(2)
  })

  it('scopes keys to their resource', async () => {
    expect((await post(TASK, { 'Idempotency-Key': 'shared' })).status).toBe(201)
    const item = await request(`${ORIGIN}/api/items`, {
      method: 'POST',
      headers: { ...AUTH, ...JSON_TYPE, 'Idempotency-Key': 'shared' },
      body: JSON.stringify(TASK),
    })
    expect(item.status).toBe(201)
    expect(item.headers.get('Idempotent-Replayed')).toBeNull()
  })

  it('does not remember a request whose content was refused: the key then serves valid content', async () => {
    await expectProblem(await post({ title: '' }, { 'Idempotency-Key': 'k5' }), 422)
    expect((await post(TASK, { 'Idempotency-Key': 'k5' })).status).toBe(201)
  })

  it('frees the key of a request whose writer failed (503, nothing created): a retry creates', async () => {
    const unavailable = {
      getByName: () => ({ put: () => Promise.reject(new Error('Network connection lost.')) }),
    } as unknown as Env['DOCUMENT_WRITER']
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const init = {
      method: 'POST',
      headers: { ...AUTH, ...JSON_TYPE, 'Idempotency-Key': 'k6' },
      body: JSON.stringify(TASK),
    }
    await expectProblem(await fetchWith({ DOCUMENT_WRITER: unavailable }, TASKS_URL, init), 503)
    errors.mockRestore()

    const retried = await post(TASK, { 'Idempotency-Key': 'k6' })
    expect(retried.status).toBe(201)
    expect(retried.headers.get('Idempotent-Replayed')).toBeNull()
    expect(await documentsIn()).toHaveLength(1)
  })

  it.each([
    { label: 'an unterminated sf-string', key: '"abc' },
    { label: '256 characters', key: 'k'.repeat(256) },
    { label: 'a space in a bare key', key: 'two words' },
    { label: 'an empty sf-string', key: '""' },
  ])('answers 400 to a malformed key ($label), creating nothing', async ({ key }) => {
    await expectProblem(await post(TASK, { 'Idempotency-Key': key }), 400)
    expect(await documentsIn()).toHaveLength(0)
  })

  it('creates once when ten requests with one key race: one 201, the rest 409 or the same 201 replayed', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post(TASK, { 'Idempotency-Key': 'race' })),
    )
    const statuses = answers.map((answer) => answer.status)
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true)
    const created = answers.filter(
      (answer) => answer.status === 201 && answer.headers.get('Idempotent-Replayed') === null,
    )
    expect(created).toHaveLength(1)
    expect(await documentsIn()).toHaveLength(1)
  })
})
