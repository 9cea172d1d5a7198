import { describe, expect, it } from 'vitest'
import { ApiError, ConflictError } from '../../../client/index.ts'
import { BASE, clientWith, problem } from './fake-fetch.ts'

const ERRORS = [
  { pointer: '/due', detail: 'Must be a real calendar date' },
  { pointer: '/colour', detail: '"colour" is not a member this resource accepts' },
]

describe('ApiError', () => {
  it.each([
    {
      case: 'a 422 with errors',
      answer: () => problem(422, 'The document has 2 problems; see errors', { errors: ERRORS }),
      want: { status: 422, detail: 'The document has 2 problems; see errors', errors: ERRORS },
    },
    {
      case: 'a 401',
      answer: () => problem(401, 'Send Authorization: Bearer <token>'),
      want: { status: 401, detail: 'Send Authorization: Bearer <token>', errors: [] },
    },
    {
      case: 'a 503 that is not a problem',
      answer: () => new Response('upstream gone', { status: 503, headers: { 'Content-Type': 'text/plain' } }),
      want: { status: 503, detail: null, errors: [], problem: null },
    },
  ])('carries $case', async ({ answer, want }) => {
    const { tasks, exchanges } = clientWith([answer()])
    const error = await tasks.put('buy-milk', { title: 'x', done: false }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).not.toBeInstanceOf(ConflictError)
    expect(error).toMatchObject({ ...want, method: 'PUT', url: `${BASE}/api/tasks/buy-milk` })
    expect(exchanges.map((exchange) => exchange.outcome)).toEqual(['error'])
  })

  it('names the status, the detail, the method and the URL in its message', async () => {
    const { tasks } = clientWith([
      problem(422, 'The document has 2 problems; see errors', { errors: ERRORS }),
    ])
    await expect(tasks.patch('buy-milk', { due: '2026-02-30' })).rejects.toThrow(
      `Request failed with status code 422: The document has 2 problems; see errors (PATCH ${BASE}/api/tasks/buy-milk)`,
    )
  })

  it('is a ConflictError for a 412, which is also an ApiError', async () => {
    const { tasks } = clientWith([problem(412, 'If-None-Match does not hold'), problem(404, 'gone')])
    const error = await tasks.createAt('x', { title: 'x', done: false }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConflictError)
    expect(error).toBeInstanceOf(ApiError)
  })
})
