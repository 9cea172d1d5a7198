import { describe, expect, it } from 'vitest'
import { outcomeOf } from '../../src/observability/request-outcome.ts'

describe('outcomeOf', () => {
  it.each([
    { method: 'GET', status: 304, want: 'hit' },
    { method: 'HEAD', status: 304, want: 'hit' },
    { method: 'GET', status: 200, want: 'miss' },
    { method: 'HEAD', status: 200, want: 'miss' },
    { method: 'PUT', status: 201, want: 'created' },
    { method: 'PUT', status: 200, want: 'updated' },
    { method: 'PATCH', status: 200, want: 'updated' },
    { method: 'DELETE', status: 204, want: 'deleted' },
    { method: 'PUT', status: 412, want: 'conflict' },
    { method: 'GET', status: 412, want: 'conflict' },
    { method: 'PATCH', status: 428, want: 'precondition-required' },
    { method: 'GET', status: 404, want: 'not-found' },
    { method: 'PUT', status: 401, want: 'unauthorized' },
    { method: 'PUT', status: 422, want: 'rejected' },
    { method: 'POST', status: 405, want: 'rejected' },
    { method: 'PUT', status: 503, want: 'unavailable' },
    { method: 'GET', status: 500, want: 'error' },
    { method: 'OPTIONS', status: 204, want: 'options' },
  ])('calls $method answered $status a $want', ({ method, status, want }) => {
    expect(outcomeOf(method, status)).toBe(want)
  })
})
