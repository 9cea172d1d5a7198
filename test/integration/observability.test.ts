import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import type { RequestLogLine } from '../../src/observability/trace-requests.ts'
import {
  AUTH,
  COLLECTION_URL,
  clearStore,
  etagOf,
  expectProblem,
  fetchWith,
  forbidUnexpectedErrors,
  itemUrl,
  ORIGIN,
  put,
  request,
  TOKEN,
} from './api.ts'

beforeEach(clearStore)
forbidUnexpectedErrors()

let consoleLog: MockInstance<typeof console.log>
beforeEach(() => {
  consoleLog = vi.spyOn(console, 'log').mockImplementation(() => undefined)
})
afterEach(() => consoleLog.mockRestore())

/** logged returns the request log lines written so far, parsed. */
function logged(): RequestLogLine[] {
  return consoleLog.mock.calls
    .map(([line]) => JSON.parse(String(line)) as RequestLogLine)
    .filter((line) => line.message === 'request')
}

/** lastLogged returns the log line of the last request, after checking it names the response's request id. */
function lastLogged(response: Response): RequestLogLine {
  const line = logged().at(-1)
  expect(line?.requestId).toBe(response.headers.get('X-Request-Id'))
  return line as RequestLogLine
}

function timingsOf(response: Response): Record<string, number> {
  const field = response.headers.get('Server-Timing') ?? ''
  return Object.fromEntries(
    field.split(',').map((metric) => {
      const [name = '', ...parameters] = metric.trim().split(';')
      const duration = parameters.find((parameter) => parameter.startsWith('dur='))
      return [name, Number(duration?.slice('dur='.length))]
    }),
  )
}

const DOCUMENT = { note: 'observed', sizes: [1, 2, 3] }
const DOCUMENT_BYTES = new TextEncoder().encode(JSON.stringify(DOCUMENT)).byteLength

describe('request ids', () => {
  it('gives every answer its own X-Request-Id, the same one a problem names', async () => {
    const first = await request(itemUrl('missing'))
    const second = await request(`${ORIGIN}/nowhere`)
    const ids = [first, second].map((response) => response.headers.get('X-Request-Id'))
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/)
    expect(ids[0]).not.toBe(ids[1])
    expect((await expectProblem(first, 404)).requestId).toBe(ids[0])
    expect((await expectProblem(second, 404)).requestId).toBe(ids[1])
  })

  it.each([
    { header: 'client-trace-42', kept: true },
    { header: 'has space', kept: false },
    { header: 'x'.repeat(256), kept: false },
    { header: '"quoted"', kept: false },
  ])('keeps a client X-Request-Id only when it is a short token ($header)', async ({ header, kept }) => {
    const response = await request(itemUrl('missing'), { headers: { 'X-Request-Id': header } })
    const id = response.headers.get('X-Request-Id')
    if (kept) expect(id).toBe(header)
    else expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect((await expectProblem(response, 404)).requestId).toBe(id)
  })

  it('names the request in a problem raised before routing (a bad Host)', async () => {
    const response = await request(itemUrl('a'), { headers: { Host: 'bad host' } })
    const problem = await expectProblem(response, 400)
    expect(problem.requestId).toBe(response.headers.get('X-Request-Id'))
  })
})

describe('Server-Timing', () => {
  it('names the steps a request took, and the total', async () => {
    const written = await put('apple', DOCUMENT)
    expect(Object.keys(timingsOf(written))).toEqual(['hash', 'writer', 'total'])
    const response = await request(itemUrl('apple'))
    const timings = timingsOf(response)
    expect(Object.keys(timings)).toEqual(['kv', 'total'])
    expect(Object.values(timings).every((duration) => Number.isFinite(duration) && duration >= 0)).toBe(true)
    expect(timings.total).toBeGreaterThanOrEqual(timings.kv ?? Number.NaN)
    // Names only: the field is on every 304, which should stay small.
    expect(response.headers.get('Server-Timing')).not.toContain('desc=')
  })

  it('is on 304s, 412s, writes and errors too', async () => {
    const created = await put('apple', DOCUMENT)
    const answers = [
      created,
      await request(itemUrl('apple'), { headers: { 'If-None-Match': etagOf(created) } }),
      await put('apple', { v: 2 }, { 'If-Match': '"stale"' }),
      await request(COLLECTION_URL),
      await request(`${ORIGIN}/nowhere`),
    ]
    expect(answers.map((response) => response.status)).toEqual([201, 304, 412, 200, 404])
    for (const response of answers) expect(Object.keys(timingsOf(response))).toContain('total')
  })
})

describe('the log line of each request', () => {
  it('says hit or miss, and what a 304 saved', async () => {
    const created = await put('apple', DOCUMENT)
    const full = await request(itemUrl('apple'))
    await full.arrayBuffer()
    const missLine = lastLogged(full)
    const revalidated = await request(itemUrl('apple'), { headers: { 'If-None-Match': etagOf(created) } })
    const hitLine = lastLogged(revalidated)

    expect(missLine).toMatchObject({
      method: 'GET',
      path: '/api/items/apple',
      status: 200,
      outcome: 'miss',
      bytesSent: DOCUMENT_BYTES,
      bytesSaved: 0,
    })
    expect(revalidated.status).toBe(304)
    expect(hitLine).toMatchObject({ status: 304, outcome: 'hit', bytesSent: 0, bytesSaved: DOCUMENT_BYTES })
    expect(hitLine.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('counts what a page 304 saved as the bytes of the page', async () => {
    await put('apple', DOCUMENT)
    await put('banana', { ...DOCUMENT, note: 'yellow' })
    const page = await request(COLLECTION_URL)
    const bytes = (await page.arrayBuffer()).byteLength
    const revalidated = await request(COLLECTION_URL, { headers: { 'If-None-Match': etagOf(page) } })
    expect(revalidated.status).toBe(304)
    expect(lastLogged(revalidated)).toMatchObject({ outcome: 'hit', bytesSaved: bytes })
  })

  it.each([
    { step: 'a creating PUT', status: 201, outcome: 'created' },
    { step: 'a replacing PUT', status: 200, outcome: 'updated' },
    { step: 'a stale If-Match', status: 412, outcome: 'conflict' },
    { step: 'a DELETE', status: 204, outcome: 'deleted' },
    { step: 'a write without the token', status: 401, outcome: 'unauthorized' },
  ])('names the outcome of $step', async ({ status, outcome }) => {
    if (status !== 201) await put('apple', DOCUMENT)
    const init: RequestInit =
      status === 204
        ? { method: 'DELETE', headers: AUTH }
        : status === 401
          ? { method: 'DELETE' }
          : {
              method: 'PUT',
              headers: {
                ...AUTH,
                'Content-Type': 'application/json',
                ...(status === 412 ? { 'If-Match': '"x"' } : {}),
              },
              body: JSON.stringify({ v: status }),
            }
    const response = await request(itemUrl('apple'), init)
    expect(response.status).toBe(status)
    expect(lastLogged(response)).toMatchObject({ status, outcome })
  })

  it('never logs a token, a header value, a query or a body', async () => {
    const secret = 'the-secret-body-member'
    await put('apple', { [secret]: true })
    await request(itemUrl('apple'), { headers: { 'If-None-Match': '"nope"', Cookie: 'session=s3cr3t' } })
    await request(`${COLLECTION_URL}?limit=1&cursor=secret-cursor`)
    await fetchWith({}, itemUrl('apple'), { method: 'DELETE', headers: { Authorization: 'Bearer wrong' } })
    const text = consoleLog.mock.calls.map((call) => call.join(' ')).join('\n')
    expect(logged().length).toBe(4)
    for (const leak of [TOKEN, 'wrong', secret, 's3cr3t', 'secret-cursor', '"nope"']) {
      expect(text).not.toContain(leak)
    }
  })
})

describe('CORS for a browser client', () => {
  it('exposes Server-Timing and X-Request-Id beside the validators', async () => {
    const app = 'https://app.example'
    await put('apple', DOCUMENT)
    const response = await fetchWith({ CORS_ALLOWED_ORIGINS: app }, itemUrl('apple'), {
      headers: { Origin: app },
    })
    const exposed = (response.headers.get('Access-Control-Expose-Headers') ?? '').toLowerCase().split(',')
    for (const name of ['etag', 'last-modified', 'location', 'content-location', 'link', 'accept-patch']) {
      expect(exposed).toContain(name)
    }
    expect(exposed).toEqual(expect.arrayContaining(['server-timing', 'x-request-id']))
  })
})
