/**
 * Write throughput: PUTs and PATCHes through the API, from a few concurrent writers in this process, spread
 * over distinct documents or aimed at one hot document, and POSTs creating task-like documents under no
 * index, two and four, timed at the client.
 */

import { Agent, fetch, type Response } from 'undici'
import { defineIndexes, indexKeysOf } from '../src/documents/collection-index.ts'
import { INDEXED_WRITES } from './indexed-resources.ts'
import { percentile, TOKEN } from './local-worker.ts'
import { itemOfSize, taskOfSize } from './payloads.ts'

/** WriteScenario is one write row: its label, and the request a writer sends for its n-th write. */
export interface WriteScenario {
  readonly label: string
  readonly request: (n: number) => {
    path: string
    method: 'POST' | 'PUT' | 'PATCH'
    type: string
    body: string
  }
}

/** WRITES_RESOURCE is the resource the write rows write to; the bench worker declares it. */
export const WRITES_RESOURCE = 'writes'
/**
 * WRITES_SEEDED is how many documents of WRITES_RESOURCE are stored before the write rows run: the first half
 * for the replacing PUTs, the second for the PATCHes, so that each is written at most every second or so (KV
 * takes one write per second per key).
 */
export const WRITES_SEEDED = 2000

const HALF = WRITES_SEEDED / 2
const documentPath = (index: number) => `/api/${WRITES_RESOURCE}/d${String(index).padStart(5, '0')}`
const JSON_TYPE = 'application/json'
const MERGE_PATCH = 'application/merge-patch+json'

// How many index entries a task written to each INDEXED_WRITES resource has: the labels say what is written.
const indexedWrites = await Promise.all(
  INDEXED_WRITES.map(async ({ resource, indexes }) => {
    const entries = (await indexKeysOf(resource, 'id', taskOfSize(1_000), defineIndexes(indexes))).length
    const declared = indexes.length === 0 ? 'no index' : `${indexes.length} indexes (${entries} entries each)`
    return { resource, declared }
  }),
)

/** WRITE_SCENARIOS are the write rows, 1 KB documents throughout. */
export const WRITE_SCENARIOS: readonly WriteScenario[] = [
  {
    label: 'PUT creating distinct documents',
    request: (n) => ({
      path: `/api/${WRITES_RESOURCE}/new-${n}-${Date.now()}`,
      method: 'PUT',
      type: JSON_TYPE,
      body: JSON.stringify(itemOfSize(1_000, n)),
    }),
  },
  {
    label: 'PUT replacing distinct documents',
    request: (n) => ({
      path: documentPath(n % HALF),
      method: 'PUT',
      type: JSON_TYPE,
      body: JSON.stringify(itemOfSize(1_000, n)),
    }),
  },
  {
    label: 'PATCH of distinct documents',
    request: (n) => ({
      path: documentPath(HALF + (n % HALF)),
      method: 'PATCH',
      type: MERGE_PATCH,
      body: JSON.stringify({ n }),
    }),
  },
  {
    label: 'PUT of one hot document',
    request: (n) => ({
      path: `/api/${WRITES_RESOURCE}/hot`,
      method: 'PUT',
      type: JSON_TYPE,
      body: JSON.stringify(itemOfSize(1_000, n)),
    }),
  },
  {
    label: 'PATCH of one hot document',
    request: (n) => ({
      path: `/api/${WRITES_RESOURCE}/hot`,
      method: 'PATCH',
      type: MERGE_PATCH,
      body: JSON.stringify({ n }),
    }),
  },
  // The same task-like documents created under each declaration: what index entries add to a write.
  ...indexedWrites.map(
    ({ resource, declared }): WriteScenario => ({
      label: `POST creating distinct tasks, ${declared}`,
      request: (n) => ({
        path: `/api/${resource}`,
        method: 'POST',
        type: JSON_TYPE,
        body: JSON.stringify(taskOfSize(1_000, n, n % 2 === 1)),
      }),
    }),
  ),
]

/** WriteSample is one run of a write row. */
export interface WriteSample {
  /** Acknowledged writes (200, 201) per second. */
  readonly rate: number
  readonly p50: number
  readonly p99: number
  readonly acknowledged: number
  /** Writes refused with 503 and Retry-After (a hot document's queue is full); anything else is an error. */
  readonly busy: number
  readonly errors: number
  readonly requests: number
}

let counter = 0

/**
 * runWrites sends a scenario's writes from `writers` concurrent loops for `seconds`, and returns what came back.
 *
 * @example await runWrites(new URL('http://127.0.0.1:8787/'), WRITE_SCENARIOS[0], 8, 3)
 */
export async function runWrites(
  base: URL,
  scenario: WriteScenario,
  writers: number,
  seconds: number,
): Promise<WriteSample> {
  const latencies: number[] = []
  const statuses = { acknowledged: 0, busy: 0, errors: 0 }
  // Fresh connections of its own: a keep-alive connection left idle by the previous row may already be
  // closed by the server, and a write sent on it would fail through no fault of the server.
  const agent = new Agent({ connections: writers })
  const started = performance.now()
  const until = started + seconds * 1000
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < until) {
        const { path, method, type, body } = scenario.request(counter++)
        const sent = performance.now()
        let response: Response
        try {
          response = await fetch(new URL(path, base), {
            method,
            headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': type },
            body,
            dispatcher: agent,
          })
          await response.arrayBuffer()
        } catch (error) {
          // A connection the server closed under load counts against it, and the run goes on.
          statuses.errors++
          if (statuses.errors === 1) console.warn(`${scenario.label}: ${method} ${path} failed`, error)
          continue
        }
        latencies.push(performance.now() - sent)
        if (response.status === 200 || response.status === 201) statuses.acknowledged++
        else if (response.status === 503 && response.headers.has('Retry-After')) {
          statuses.busy++
          // A refused writer waits as Retry-After asks, not to measure a busy loop of refusals.
          await new Promise((resolve) => setTimeout(resolve, 100))
        } else statuses.errors++
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  await agent.close()
  return {
    rate: statuses.acknowledged / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: latencies.length,
    ...statuses,
  }
}
