/**
 * Helpers for integration tests: real Requests into the worker running in workerd, with local KV.
 */

import {
  createExecutionContext,
  env,
  listDurableObjectIds,
  runInDurableObject,
  SELF,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { afterEach, beforeEach, expect, type MockInstance, vi } from 'vitest'
import type { Env } from '../../src/env.ts'
import worker from '../../src/index.ts'

/** TOKEN is the API_TOKEN that vitest.config.ts binds for tests. */
export const TOKEN = 'test-token'
export const ORIGIN = 'https://edge-etag.test'
export const AUTH = { Authorization: `Bearer ${TOKEN}` }
export const JSON_TYPE = { 'Content-Type': 'application/json' }

export const MERGE_PATCH_TYPE = { 'Content-Type': 'application/merge-patch+json' }

export function itemUrl(id: string): string {
  return `${ORIGIN}/api/items/${id}`
}

export function taskUrl(id: string): string {
  return `${ORIGIN}/api/tasks/${id}`
}

export const COLLECTION_URL = `${ORIGIN}/api/items`
export const TASKS_URL = `${ORIGIN}/api/tasks`

/** request sends one request through the worker's own fetch handler (SELF), as a client would. */
export function request(url: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(url, init)
}

/** put stores an item with the test token; `body` is sent as given when it is a string. */
export function put(id: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(itemUrl(id), {
    method: 'PUT',
    headers: { ...AUTH, ...JSON_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** LARGE_BODY_BYTES is the highest body limit (1 MiB), for tests of the largest documents. */
export const LARGE_BODY_BYTES = 1_048_576

/** putWithLimit stores an item as put does, with MAX_BODY_BYTES raised to LARGE_BODY_BYTES. */
export function putWithLimit(id: string, body: string): Promise<Response> {
  return fetchWith({ MAX_BODY_BYTES: String(LARGE_BODY_BYTES) }, itemUrl(id), {
    method: 'PUT',
    headers: { ...AUTH, ...JSON_TYPE },
    body,
  })
}

export function get(id: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(itemUrl(id), { headers })
}

/** putTask stores a task with the test token; `body` is sent as given when it is a string. */
export function putTask(id: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(taskUrl(id), {
    method: 'PUT',
    headers: { ...AUTH, ...JSON_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** patch sends a JSON Merge Patch to a document URL with the test token; a string body is sent as given. */
export function patch(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(url, {
    method: 'PATCH',
    headers: { ...AUTH, ...MERGE_PATCH_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** etagOf returns a response's ETag, failing the test when there is none. */
export function etagOf(response: Response): string {
  const etag = response.headers.get('ETag')
  if (etag === null) throw new Error(`${response.status} response has no ETag`)
  return etag
}

/** sha256Tag computes, independently of src/, the tag the API must give these bytes. */
export async function sha256Tag(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  const base64 = btoa(Array.from(digest, (byte) => String.fromCharCode(byte)).join(''))
  return `"${base64.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}"`
}

/**
 * fetchWith sends a request straight to the worker with a changed environment (settings, or a wrapped KV),
 * and waits for the work it deferred with waitUntil.
 */
export async function fetchWith(
  overrides: Partial<Env>,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  const context = createExecutionContext()
  const response = await worker.fetch(new Request(url, init), { ...(env as Env), ...overrides }, context)
  await waitOnExecutionContext(context)
  return response
}

/** KvCalls counts what a wrapped KV namespace was asked to do. */
export interface KvCalls {
  operations: string[]
  /** Bytes the worker pulled from value streams it was given. */
  streamedBytes: number
  /** How many keys each bulk read named, in order. */
  bulkKeys: number[]
}

/**
 * observedKv wraps the real local KV so a test can see which operations ran and how many value bytes the
 * worker actually read from streams.
 */
export function observedKv(kv: KVNamespace): { kv: KVNamespace; calls: KvCalls } {
  const calls: KvCalls = { operations: [], streamedBytes: 0, bulkKeys: [] }
  const wrapped = new Proxy(kv, {
    get(target, property, receiver) {
      const original = Reflect.get(target, property, receiver)
      if (typeof original !== 'function') return original
      return async (...args: unknown[]) => {
        const options = args[1]
        const type = typeof options === 'string' ? options : (options as { type?: string } | undefined)?.type
        calls.operations.push(`${String(property)}${type ? `:${type}` : ''}`)
        if (Array.isArray(args[0])) calls.bulkKeys.push(args[0].length)
        const result = await original.apply(target, args)
        if (property === 'getWithMetadata' && result?.value instanceof ReadableStream) {
          return { ...result, value: countingStream(result.value, calls) }
        }
        return result
      }
    },
  })
  return { kv: wrapped, calls }
}

function countingStream(stream: ReadableStream<Uint8Array>, calls: KvCalls): ReadableStream<Uint8Array> {
  const reader = stream.getReader()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read()
        if (done) return controller.close()
        calls.streamedBytes += value.byteLength
        controller.enqueue(value)
      },
      cancel: (reason) => reader.cancel(reason),
      // No read-ahead: only what the worker asks for is pulled and counted.
    },
    { highWaterMark: 0 },
  )
}

/** failingKv is a KV namespace whose every operation fails, as KV does in an outage. */
export function failingKv(): KVNamespace {
  const fail = async () => {
    throw new Error('KV GET failed: 500 Internal Server Error')
  }
  return { get: fail, getWithMetadata: fail, put: fail, delete: fail, list: fail } as unknown as KVNamespace
}

/**
 * clearStore empties the local KV and every document writer's storage, so each test starts from nothing;
 * each test file has storage of its own.
 */
export async function clearStore(): Promise<void> {
  const { DOCUMENTS: kv, DOCUMENT_WRITER: writers } = env as Env
  let cursor: string | undefined
  do {
    const page: KVNamespaceListResult<unknown> = await kv.list(cursor ? { cursor } : {})
    await Promise.all(page.keys.map((key) => kv.delete(key.name)))
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor)
  for (const id of await listDurableObjectIds(writers)) {
    await runInDurableObject(writers.get(id), async (_, state) => {
      await state.storage.deleteAlarm()
      await state.storage.deleteAll()
    })
  }
}

/** snapshot captures what GET serves at a URL, to show that a refused or unrelated write changed nothing. */
export async function snapshot(url: string) {
  const response = await request(url)
  return {
    status: response.status,
    body: await response.text(),
    etag: response.headers.get('ETag'),
    lastModified: response.headers.get('Last-Modified'),
  }
}

/** expectProblem checks that a response is an RFC 9457 problem with this status, and returns its members. */
export async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status)
  expect(response.headers.get('Content-Type')).toBe('application/problem+json')
  const problem = (await response.json()) as Record<string, unknown>
  expect(problem).toMatchObject({ type: 'about:blank', status })
  expect(problem.detail).toEqual(expect.any(String))
  return problem
}

/**
 * forbidUnexpectedErrors makes every test of the calling file fail if anything is logged as an error: for files
 * where no request is the server's fault, so that a hidden 500 or 503 behind a 4xx cannot pass.
 */
export function forbidUnexpectedErrors(): void {
  let consoleError: MockInstance<typeof console.error>
  beforeEach(() => {
    consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    expect(consoleError).not.toHaveBeenCalled()
    consoleError.mockRestore()
  })
}

/** sleep waits, for tests that need Last-Modified (one-second resolution) to be able to move. */
export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds))
}
