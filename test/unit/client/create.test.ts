import { describe, expect, it } from 'vitest'
import { ApiError, createClient } from '../../../client/index.ts'
import {
  BASE,
  clientWith,
  created,
  document,
  fakeFetch,
  lm,
  networkFailure,
  notModified,
  problem,
  TOKEN,
} from './fake-fetch.ts'

const TASK = { title: 'Buy milk', done: false }
const ID = '019af3c2-5e1b-7a3c-9d2e-4f6a8b0c1d2e'
const LOCATION = `/api/tasks/${ID}`
const SF_UUID = /^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$/

describe('create', () => {
  it('POSTs the value to the collection with an Idempotency-Key and returns it with the id from Location', async () => {
    const { tasks, sent, exchanges } = clientWith([created(TASK, LOCATION, '"t1"', lm(0))])
    expect(await tasks.create(TASK)).toEqual({
      id: ID,
      value: TASK,
      etag: '"t1"',
      lastModified: lm(0),
      fromCache: false,
      replayed: false,
    })
    expect(sent[0]).toMatchObject({ method: 'POST', url: `${BASE}/api/tasks`, body: JSON.stringify(TASK) })
    expect(sent[0]?.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      accept: 'application/json',
    })
    expect(sent[0]?.headers['idempotency-key']).toMatch(SF_UUID)
    expect(sent[0]?.headers['if-none-match']).toBeUndefined()
    expect(exchanges.map((exchange) => [exchange.method, exchange.status, exchange.outcome])).toEqual([
      ['POST', 201, 'created'],
    ])
  })

  it('holds what it created: get(id) next revalidates with its tag and is a 304 hit', async () => {
    const { tasks, sent, client } = clientWith([
      created(TASK, LOCATION, '"t1"', lm(0)),
      notModified('"t1"', lm(0)),
    ])
    const { id } = await tasks.create(TASK)
    expect(await tasks.get(id)).toEqual({ value: TASK, etag: '"t1"', lastModified: lm(0), fromCache: true })
    expect(sent[1]).toMatchObject({ method: 'GET', url: `${BASE}/api/tasks/${ID}` })
    expect(sent[1]?.headers['if-none-match']).toBe('"t1"')
    expect(client.stats).toMatchObject({ requests: 2, hits: 1, misses: 0 })
  })

  it('resolves a Location against the collection, so an API under a path prefix works too', async () => {
    const { fetch, sent } = fakeFetch(
      created(TASK, `/v1/api/tasks/${ID}`, '"t1"', lm(0)),
      notModified('"t1"', lm(0)),
    )
    const tasks = createClient({ baseUrl: `${BASE}/v1`, token: TOKEN, fetch }).resource('tasks')
    expect((await tasks.create(TASK)).id).toBe(ID)
    expect((await tasks.get(ID)).fromCache).toBe(true)
    expect(sent.map((request) => request.url)).toEqual([`${BASE}/v1/api/tasks`, `${BASE}/v1/api/tasks/${ID}`])
  })

  it.each([
    { key: 'order-17', header: '"order-17"' },
    { key: 'quote"and\\backslash', header: '"quote\\"and\\\\backslash"' },
  ])('sends the idempotencyKey it is given, as an sf-string: $key', async ({ key, header }) => {
    const { tasks, sent } = clientWith([created(TASK, LOCATION, '"t1"', lm(0))])
    await tasks.create(TASK, { idempotencyKey: key })
    expect(sent[0]?.headers['idempotency-key']).toBe(header)
  })

  it('makes a new key for each create, so two creates are two documents', async () => {
    const { tasks, sent } = clientWith([
      created(TASK, LOCATION, '"t1"', lm(0)),
      created(TASK, '/api/tasks/019af3c2-5e1b-7a3c-9d2e-4f6a8b0c1d2f', '"t1"', lm(0)),
    ])
    const first = await tasks.create(TASK)
    const second = await tasks.create(TASK)
    expect(first.id).not.toBe(second.id)
    expect(sent[0]?.headers['idempotency-key']).not.toBe(sent[1]?.headers['idempotency-key'])
  })

  it.each([
    { what: 'empty', key: '' },
    { what: 'a space', key: 'a b' },
    { what: 'not ASCII', key: 'café' },
    { what: 'a control character', key: 'a\tb' },
    { what: '256 characters', key: 'k'.repeat(256) },
  ])('refuses a key that is $what with a TypeError, sending nothing', async ({ key }) => {
    const { tasks, sent } = clientWith([])
    await expect(tasks.create(TASK, { idempotencyKey: key })).rejects.toThrow(/Idempotency-Key is 1 to 255/)
    expect(sent).toEqual([])
  })

  it('throws an ApiError naming the request when a 201 has no Location', async () => {
    const { tasks } = clientWith([document(TASK, '"t1"', lm(0), 201)])
    const error = await tasks.create(TASK).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toContain(`POST ${BASE}/api/tasks`)
  })
})

describe('a create whose answer is lost', () => {
  it('is retried after a rejected fetch with the same key and body, and yields one document', async () => {
    // The first POST reached the server, which created the document; its answer was lost on the way back.
    const { tasks, sent, client, exchanges } = clientWith([
      networkFailure,
      created(TASK, LOCATION, '"t1"', lm(0), true),
    ])
    const result = await tasks.create(TASK)
    expect(result).toMatchObject({ id: ID, value: TASK, etag: '"t1"', replayed: true })
    expect(sent.map((request) => request.method)).toEqual(['POST', 'POST'])
    expect(sent[1]?.headers['idempotency-key']).toBe(sent[0]?.headers['idempotency-key'])
    expect(sent[1]?.body).toBe(sent[0]?.body)
    expect(exchanges.map((exchange) => [exchange.status, exchange.outcome])).toEqual([
      [0, 'error'],
      [201, 'created'],
    ])
    expect(client.stats).toMatchObject({ requests: 2, retries: 1 })
  })

  it("keeps the caller's own key across its retries", async () => {
    const { tasks, sent } = clientWith([
      networkFailure,
      networkFailure,
      created(TASK, LOCATION, '"t1"', lm(0)),
    ])
    await tasks.create(TASK, { idempotencyKey: 'order-17' })
    expect(sent.map((request) => request.headers['idempotency-key'])).toEqual([
      '"order-17"',
      '"order-17"',
      '"order-17"',
    ])
  })

  it('gives up after createRetries retries and throws the network error', async () => {
    const { tasks, sent, client } = clientWith([networkFailure, networkFailure, networkFailure], {
      createRetries: 2,
    })
    await expect(tasks.create(TASK)).rejects.toThrow('fetch failed')
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map((request) => request.headers['idempotency-key'])).size).toBe(1)
    expect(client.stats.retries).toBe(2)
  })

  it('waits before each retry, twice as long each time', async () => {
    const { tasks } = clientWith([networkFailure, networkFailure, created(TASK, LOCATION, '"t1"', lm(0))], {
      retryDelayMs: 40,
    })
    const startedAt = performance.now()
    await tasks.create(TASK)
    // 40 ms, then 80 ms.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(115)
  })
})

describe('a create the server is still processing', () => {
  const inFlight = (headers: Record<string, string> = {}) =>
    problem(409, 'A request with this Idempotency-Key is still being processed', {}, headers)

  it('is asked again after a 409, with the same key, and answered once done', async () => {
    const { tasks, sent, client, exchanges } = clientWith([
      inFlight(),
      created(TASK, LOCATION, '"t1"', lm(0), true),
    ])
    expect((await tasks.create(TASK)).id).toBe(ID)
    expect(sent[1]?.headers['idempotency-key']).toBe(sent[0]?.headers['idempotency-key'])
    expect(exchanges.map((exchange) => exchange.status)).toEqual([409, 201])
    expect(client.stats.retries).toBe(1)
  })

  it('waits as long as Retry-After says', async () => {
    const { tasks } = clientWith([inFlight({ 'Retry-After': '1' }), created(TASK, LOCATION, '"t1"', lm(0))])
    const startedAt = performance.now()
    await tasks.create(TASK)
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(990)
  })

  it('throws the 409 as an ApiError once the retries are spent', async () => {
    const { tasks, sent } = clientWith([inFlight(), inFlight()], { createRetries: 1 })
    const error = await tasks.create(TASK).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 409, method: 'POST', url: `${BASE}/api/tasks` })
    expect(sent).toHaveLength(2)
  })
})

describe('a refused create', () => {
  it('is an ApiError, not retried, when a 422 says the key was used with another body', async () => {
    const { tasks, sent } = clientWith([
      problem(422, 'The Idempotency-Key "order-17" was used with another body; nothing was created'),
    ])
    const error = await tasks.create(TASK, { idempotencyKey: 'order-17' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 422, method: 'POST' })
    expect((error as ApiError).detail).toContain('Idempotency-Key')
    expect(sent).toHaveLength(1)
  })

  it.each([
    { status: 400, detail: 'The Idempotency-Key is not valid' },
    { status: 401, detail: 'Send Authorization: Bearer <token>' },
    { status: 503, detail: 'Storage is unavailable' },
  ])('is an ApiError, not retried, on a $status', async ({ status, detail }) => {
    const { tasks, sent } = clientWith([problem(status, detail)])
    await expect(tasks.create(TASK)).rejects.toMatchObject({ status, detail })
    expect(sent).toHaveLength(1)
  })

  it('keeps a later version it holds when a replay answers with the first', async () => {
    const edited = { ...TASK, done: true }
    const { tasks, sent } = clientWith([
      created(TASK, LOCATION, '"t1"', lm(0)),
      document(edited, '"t2"', lm(5)),
      created(TASK, LOCATION, '"t1"', lm(0), true),
      notModified('"t2"', lm(5)),
    ])
    await tasks.create(TASK, { idempotencyKey: 'order-17' })
    await tasks.put(ID, edited)
    expect((await tasks.create(TASK, { idempotencyKey: 'order-17' })).replayed).toBe(true)
    expect(await tasks.get(ID)).toMatchObject({ value: edited, etag: '"t2"' })
    expect(sent[3]?.headers['if-none-match']).toBe('"t2"')
  })
})
