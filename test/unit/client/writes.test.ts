import { describe, expect, it } from 'vitest'
import { ConflictError } from '../../../client/index.ts'
import { BASE, clientWith, document, lm, noContent, notModified, problem, TOKEN } from './fake-fetch.ts'

const TASK = { title: 'Buy milk', done: false }
const DONE = { title: 'Buy milk', done: true }
const URL_OF = `${BASE}/api/tasks/buy-milk`

describe('conditional writes', () => {
  it.each([
    {
      write: 'put',
      run: (tasks: Tasks) => tasks.put('buy-milk', DONE),
      answer: () => document(DONE, '"t2"', lm(5)),
      want: { method: 'PUT', contentType: 'application/json', body: JSON.stringify(DONE) },
    },
    {
      write: 'patch',
      run: (tasks: Tasks) => tasks.patch('buy-milk', { done: true, due: null }),
      answer: () => document(DONE, '"t2"', lm(5)),
      want: {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: JSON.stringify({ done: true, due: null }),
      },
    },
    {
      write: 'delete',
      run: (tasks: Tasks) => tasks.delete('buy-milk'),
      answer: () => noContent(),
      want: { method: 'DELETE', contentType: undefined, body: null },
    },
  ])('$write sends If-Match with the held tag and the bearer token', async ({ run, answer, want }) => {
    const { tasks, sent } = clientWith([document(TASK, '"t1"', lm(0)), answer()])
    await tasks.get('buy-milk')
    await run(tasks)
    expect(sent[1]).toMatchObject({ method: want.method, url: URL_OF, body: want.body })
    expect(sent[1]?.headers).toMatchObject({ 'if-match': '"t1"', authorization: `Bearer ${TOKEN}` })
    expect(sent[1]?.headers['content-type']).toBe(want.contentType)
    expect(sent[1]?.headers['if-none-match']).toBeUndefined()
  })

  it.each([
    { write: 'put', run: (tasks: Tasks) => tasks.put('buy-milk', DONE, { ifMatch: '"t1"' }) },
    { write: 'patch', run: (tasks: Tasks) => tasks.patch('buy-milk', { done: true }, { ifMatch: '"t1"' }) },
    { write: 'delete', run: (tasks: Tasks) => tasks.delete('buy-milk', { ifMatch: '"t1"' }) },
  ])(
    '$write sends the ifMatch it is given, not a newer tag the store came to hold since',
    async ({ run }) => {
      // An edit started from "t1"; meanwhile another tab sharing the store read "t2". The edit must not win.
      const { tasks, sent } = clientWith([
        document(TASK, '"t1"', lm(0)),
        document(DONE, '"t2"', lm(5)),
        problem(412, 'If-Match does not hold', {}, { ETag: '"t2"' }),
        document(DONE, '"t2"', lm(5)),
      ])
      await tasks.get('buy-milk')
      await tasks.get('buy-milk')
      await expect(run(tasks)).rejects.toBeInstanceOf(ConflictError)
      expect(sent[2]?.headers['if-match']).toBe('"t1"')
    },
  )

  it('holds what a write returned: the next read revalidates with its tag', async () => {
    const { tasks, sent, client } = clientWith([
      document(DONE, '"t2"', lm(5), 201),
      notModified('"t2"', lm(5)),
    ])
    expect(await tasks.put('buy-milk', DONE)).toEqual({
      value: DONE,
      etag: '"t2"',
      lastModified: lm(5),
      fromCache: false,
    })
    expect(await tasks.get('buy-milk')).toMatchObject({ value: DONE, fromCache: true })
    expect(sent[1]?.headers['if-none-match']).toBe('"t2"')
    expect(client.stats.hits).toBe(1)
  })

  it('puts unconditionally when it holds nothing', async () => {
    const { tasks, sent, exchanges } = clientWith([document(TASK, '"t1"', lm(0), 201)])
    await tasks.put('buy-milk', TASK)
    expect(sent[0]?.headers['if-match']).toBeUndefined()
    expect(sent[0]?.headers['if-none-match']).toBeUndefined()
    expect(exchanges[0]?.outcome).toBe('created')
  })

  it('createAt creates at the given id with If-None-Match: *', async () => {
    const { tasks, sent, exchanges } = clientWith([document(TASK, '"t1"', lm(0), 201)])
    expect(await tasks.createAt('buy-milk', TASK)).toMatchObject({ value: TASK, etag: '"t1"' })
    expect(sent[0]?.headers['if-none-match']).toBe('*')
    expect(sent[0]?.headers['if-match']).toBeUndefined()
    expect(exchanges.map((exchange) => exchange.outcome)).toEqual(['created'])
  })

  it('puts after its own delete with If-None-Match: *, not to overwrite a new document', async () => {
    const { tasks, sent } = clientWith([
      document(TASK, '"t1"', lm(0)),
      noContent(),
      document(TASK, '"t1"', lm(9), 201),
    ])
    await tasks.get('buy-milk')
    await tasks.delete('buy-milk')
    await tasks.put('buy-milk', TASK)
    expect(sent[2]?.headers['if-none-match']).toBe('*')
    expect(sent[2]?.headers['if-match']).toBeUndefined()
  })
})

describe('a 412', () => {
  const refused = () =>
    problem(
      412,
      'If-Match does not hold for tasks/buy-milk; nothing was changed',
      {},
      {
        ETag: '"t3"',
        'Last-Modified': lm(7),
      },
    )

  it('becomes a ConflictError carrying the current document, fetched after it', async () => {
    const current = { title: 'Buy oat milk', done: false }
    const { tasks, sent, client, exchanges } = clientWith([
      document(TASK, '"t1"', lm(0)),
      refused(),
      document(current, '"t3"', lm(7)),
    ])
    await tasks.get('buy-milk')
    const error = await tasks.put('buy-milk', DONE).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConflictError)
    expect(error).toMatchObject({
      status: 412,
      method: 'PUT',
      url: URL_OF,
      currentEtag: '"t3"',
      currentLastModified: lm(7),
      current: { value: current, etag: '"t3"', lastModified: lm(7), fromCache: false },
    })
    expect(sent.map((request) => request.method)).toEqual(['GET', 'PUT', 'GET'])
    expect(exchanges.map((exchange) => exchange.outcome)).toEqual(['miss', 'conflict', 'miss'])
    expect(client.stats.conflicts).toBe(1)
  })

  it('carries null as current when the document is gone', async () => {
    const { tasks } = clientWith([
      document(TASK, '"t1"', lm(0)),
      refused(),
      // Dated well after the held version: no edge could still be missing it.
      problem(404, 'There is no document', {}, { Date: lm(120) }),
    ])
    await tasks.get('buy-milk')
    const error = await tasks.delete('buy-milk').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).current).toBeNull()
  })

  it('trusts a 412 without an ETag: the writer says it is gone, whatever an edge still serves', async () => {
    const { tasks, sent } = clientWith([
      document(TASK, '"t1"', lm(0)),
      problem(412, 'If-Match does not hold', {}, {}),
      problem(404, 'There is no document', {}, { ETag: '"x"' }),
    ])
    await tasks.get('buy-milk')
    const error = await tasks.put('buy-milk', DONE).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).current).toBeNull()
    // No read of a lagging edge's copy: the writer's word is final.
    expect(sent.map((request) => request.method)).toEqual(['GET', 'PUT'])
    // And the next write creates it again rather than match the deleted version's tag.
    await tasks.put('buy-milk', DONE).catch(() => undefined)
    expect(sent[2]?.headers['if-none-match']).toBe('*')
  })

  it('to a createAt means the document exists: the ConflictError carries it', async () => {
    const { tasks, sent } = clientWith([
      problem(412, 'If-None-Match does not hold', {}, { ETag: '"t1"' }),
      document(TASK, '"t1"', lm(0)),
    ])
    const error = await tasks.createAt('buy-milk', DONE).catch((caught: unknown) => caught)
    expect(sent[0]?.headers['if-none-match']).toBe('*')
    expect((error as ConflictError).current?.value).toEqual(TASK)
  })
})

type Tasks = ReturnType<typeof clientWith>['tasks']
