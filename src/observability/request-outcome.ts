/**
 * What a request came to, in one word, for logs and dashboards: was a conditional request worth it?
 */

/** RequestOutcome names what an answer means for the client and for the cost of serving it. */
export type RequestOutcome =
  | 'hit'
  | 'miss'
  | 'created'
  | 'updated'
  | 'deleted'
  | 'conflict'
  | 'precondition-required'
  | 'not-found'
  | 'unauthorized'
  | 'rejected'
  | 'unavailable'
  | 'error'
  | 'options'

/**
 * outcomeOf names the outcome of a request by its method and status: a 304 is a hit (the client's copy was
 * current, no body sent), a read's 200 a miss, a 412 a conflict (someone else's change came first).
 *
 * @example outcomeOf('GET', 304) // 'hit'
 */
export function outcomeOf(method: string, status: number): RequestOutcome {
  if (status === 304) return 'hit'
  if (status === 412) return 'conflict'
  if (status === 428) return 'precondition-required'
  if (status === 404) return 'not-found'
  if (status === 401) return 'unauthorized'
  if (status === 503) return 'unavailable'
  if (status >= 500) return 'error'
  if (status >= 400) return 'rejected'
  if (method === 'OPTIONS') return 'options'
  if (status === 201) return 'created'
  if (method === 'DELETE') return 'deleted'
  if (method === 'GET' || method === 'HEAD') return 'miss'
  return 'updated'
}
