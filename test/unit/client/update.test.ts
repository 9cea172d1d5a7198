import { describe, expect, it, vi } from 'vitest'
import { ConflictError } from '../../../client/index.ts'
import { clientWith, document, lm, problem } from './fake-fetch.ts'

const conflict = (etag: string) => problem(412, 'If-Match does not hold', {}, { ETag: etag })

describe('update', () => {
  it('reads, changes and PUTs with If-Match for the version it changed', async () => {
    const { tasks, sent, client } = clientWith([
      document({ title: 'Buy milk', done: false }, '"t1"', lm(0)),
      document({ title: 'Buy milk', done: true }, '"t2"', lm(5)),
    ])
    const updated = await tasks.update('buy-milk', (task) => ({ ...task, done: true }))
    expect(updated).toMatchObject({ value: { done: true }, etag: '"t2"' })
    expect(sent.map((request) => [request.method, request.headers['if-match']])).toEqual([
      ['GET', undefined],
      ['PUT', '"t1"'],
    ])
    expect(client.stats).toMatchObject({ conflicts: 0, retries: 0 })
  })

  it('after one conflict, applies the change to the current version and wins', async () => {
    const { tasks, sent, client } = clientWith([
      document({ title: 'Buy milk', done: false }, '"t1"', lm(0)),
      conflict('"t2"'),
      document({ title: 'Buy milk', done: false, tags: ['home'] }, '"t2"', lm(5)),
      document({ title: 'Buy milk', done: true, tags: ['home'] }, '"t3"', lm(6)),
    ])
    const change = vi.fn((task: { title: string; done: boolean }) => ({ ...task, done: true }))
    const updated = await tasks.update('buy-milk', change)
    expect(updated.value).toEqual({ title: 'Buy milk', done: true, tags: ['home'] })
    expect(change).toHaveBeenCalledTimes(2)
    expect(
      sent.filter((request) => request.method === 'PUT').map((request) => request.headers['if-match']),
    ).toEqual(['"t1"', '"t2"'])
    expect(JSON.parse(sent[3]?.body ?? '')).toEqual({ title: 'Buy milk', done: true, tags: ['home'] })
    expect(client.stats).toMatchObject({ conflicts: 1, retries: 1 })
  })

  it.each([
    { maxRetries: 0, puts: 1 },
    { maxRetries: 2, puts: 3 },
  ])(
    'gives up after maxRetries $maxRetries: $puts PUTs, then the ConflictError',
    async ({ maxRetries, puts }) => {
      const answers = [document({ n: 0 }, '"v0"', lm(0))]
      for (let attempt = 1; attempt <= puts; attempt++) {
        answers.push(conflict(`"v${attempt}"`), document({ n: attempt }, `"v${attempt}"`, lm(attempt)))
      }
      const { items, sent, client } = clientWith(answers, { maxRetries })
      const error = await items
        .update('counter', (value) => ({ n: Number(value.n) + 100 }))
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConflictError)
      expect((error as ConflictError).current?.value).toEqual({ n: puts })
      expect(sent.filter((request) => request.method === 'PUT')).toHaveLength(puts)
      expect(client.stats).toMatchObject({ conflicts: puts, retries: maxRetries })
    },
  )

  it('defaults to 3 retries', async () => {
    const answers = [document({ n: 0 }, '"v0"', lm(0))]
    for (let attempt = 1; attempt <= 5; attempt++) {
      answers.push(conflict(`"v${attempt}"`), document({ n: attempt }, `"v${attempt}"`, lm(attempt)))
    }
    const { items, sent } = clientWith(answers)
    await expect(items.update('counter', (value) => value)).rejects.toBeInstanceOf(ConflictError)
    expect(sent.filter((request) => request.method === 'PUT')).toHaveLength(4)
  })
})
