import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Env } from '../../src/env.ts'
import worker from '../../src/index.ts'
import {
  AUTH,
  COLLECTION_URL,
  clearStore,
  etagOf,
  failingKv,
  fetchWith,
  get,
  itemUrl,
  JSON_TYPE,
  put,
  request,
} from './api.ts'

beforeEach(clearStore)
// A spy on console.error is removed even when its test fails.
afterEach(() => {
  vi.restoreAllMocks()
})

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status)
  expect(response.headers.get('Content-Type')).toBe('application/problem+json')
  const problem = (await response.json()) as Record<string, unknown>
  expect(problem).toMatchObject({ type: 'about:blank', status })
  expect(typeof problem.title).toBe('string')
  expect(typeof problem.detail).toBe('string')
  return problem
}

describe('bad request bodies', () => {
  it.each([
    { content: 'malformed JSON', body: '{"name": ' },
    { content: 'trailing garbage', body: '{"a":1} x' },
    { content: 'an empty body', body: '' },
  ])('answers 400 to $content', async ({ body }) => {
    await expectProblem(await put('apple', body), 400)
  })

  it('answers 400 to a body that is not UTF-8', async () => {
    const response = await request(itemUrl('apple'), {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE },
      body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    })
    await expectProblem(response, 400)
  })

  it.each([
    { content: 'an array', body: '[1,2]' },
    { content: 'a string', body: '"apple"' },
    { content: 'a number', body: '42' },
    { content: 'null', body: 'null' },
  ])('answers 422 to JSON that is $content, not an object', async ({ body }) => {
    await expectProblem(await put('apple', body), 422)
  })

  it.each([
    { content: 'a number beyond double range', body: '{"n":1e400}' },
    { content: 'a number too small for a double (not stored as 0)', body: '{"n":1e-400}' },
    { content: 'an unpaired surrogate', body: '{"s":"\\ud800"}' },
    { content: 'nesting 10 000 deep', body: `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}` },
  ])(
    'answers 422 to an object canonical JSON cannot represent: $content, storing nothing',
    async ({ body }) => {
      await expectProblem(await put('apple', body), 422)
      expect((await get('apple')).status).toBe(404)
    },
  )

  it.each([
    { how: 'plainly', body: '{"a":1,"a":2}' },
    { how: 'through an escape', body: '{"b":{"a":1,"\\u0061":2}}' },
  ])('answers 422 to an object that repeats a member name $how (I-JSON)', async ({ body }) => {
    const problem = await expectProblem(await put('apple', body), 422)
    expect(problem.detail).toContain('"a"')
  })

  it.each([
    { what: 'text/plain', type: 'text/plain' },
    { what: 'form data, as curl -d sends', type: 'application/x-www-form-urlencoded' },
    { what: 'a non-UTF-8 charset', type: 'application/json; charset=iso-8859-1' },
  ])('answers 415 to Content-Type $what', async ({ type }) => {
    await expectProblem(await put('apple', '{"a":1}', { 'Content-Type': type }), 415)
  })

  it('answers 415 to a PUT with no Content-Type', async () => {
    const response = await request(itemUrl('apple'), { method: 'PUT', headers: AUTH, body: '{"a":1}' })
    await expectProblem(response, 415)
  })

  it('accepts application/json in any case, with parameters', async () => {
    expect(
      (await put('apple', '{"a":1}', { 'Content-Type': 'Application/JSON; Charset="UTF-8"' })).status,
    ).toBe(201)
  })

  it('answers 415 with Accept-Encoding to a compressed body', async () => {
    const response = await put('apple', '{"a":1}', { 'Content-Encoding': 'gzip' })
    await expectProblem(response, 415)
    expect(response.headers.get('Accept-Encoding')).toBe('identity')
  })
})

describe('request bodies that fail while being read', () => {
  it('answers 400, not 500, to a body stream that breaks mid-body, and logs nothing as unexpected', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":'))
        controller.error(new Error('Network connection lost.'))
      },
    })
    const response = await fetchWith({}, itemUrl('apple'), {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE },
      body: broken,
    })
    await expectProblem(response, 400)
    expect((await get('apple')).status).toBe(404)
    expect(errors).not.toHaveBeenCalled()
  })
})

describe('the request target', () => {
  it.each([{ method: 'OPTIONS' }, { method: 'GET' }])(
    'answers $method * (what workerd makes of the asterisk form) with 400, origin mode off',
    async ({ method }) => {
      // workerd builds this URL for `OPTIONS * HTTP/1.1` with `Host: edge-etag.test`.
      await expectProblem(await fetchWith({}, 'https://edge-etag.test*', { method }), 400)
    },
  )
})

describe('the Host header', () => {
  it.each([
    { host: 'x/api/items/apple?', why: 'a path in it' },
    { host: 'a b', why: 'a space' },
    { host: 'user@example.com', why: 'userinfo' },
    { host: 'example.com#x', why: 'a fragment' },
    { host: 'example.com:80:80', why: 'two ports' },
  ])('answers 400 before any routing to a Host with $why', async ({ host }) => {
    await put('apple', { v: 1 })
    const response = await fetchWith({}, itemUrl('banana'), { headers: { Host: host } })
    await expectProblem(response, 400)
  })

  it.each([
    { host: 'edge-etag.test' },
    { host: 'localhost:8787' },
    { host: '127.0.0.1:8787' },
    { host: '[::1]:8787' },
    { host: 'xn--bcher-kva.example' },
  ])('serves a request whose Host is $host', async ({ host }) => {
    await put('apple', { v: 1 })
    expect((await fetchWith({}, itemUrl('apple'), { headers: { Host: host } })).status).toBe(200)
  })
})

describe('body size limit', () => {
  it('answers 413 to a declared body over MAX_BODY_BYTES', async () => {
    const body = JSON.stringify({ blob: 'x'.repeat(2_000) })
    await expectProblem(await fetchWith({ MAX_BODY_BYTES: '1000' }, itemUrl('apple'), putInit(body)), 413)
  })

  it('answers 413 to a chunked body with no Content-Length once it passes the limit', async () => {
    const chunk = new TextEncoder().encode(`"${'x'.repeat(1022)}",`)
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"a":['))
        // 1.5 MiB in 1 KiB chunks: over the default 1 MiB limit.
        if (sent >= 1536) return controller.close()
        controller.enqueue(chunk)
        sent++
      },
    })
    const response = await request(itemUrl('apple'), {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE },
      body: stream,
    })
    await expectProblem(response, 413)
    expect((await get('apple')).status).toBe(404)
  })

  it('answers 422, not 413, when the canonical form outgrows the limit, so whatever GET serves can be PUT back', async () => {
    // Each 1e20 (4 bytes) becomes 100000000000000000000 (21 bytes) in canonical form: the request is within the
    // limit, so 413 (the request content is too large) would be wrong.
    const body = JSON.stringify({ n: Array.from({ length: 150 }, () => 0) }).replaceAll('0', '1e20')
    expect(body.length).toBeLessThan(1000)
    await expectProblem(await fetchWith({ MAX_BODY_BYTES: '1000' }, itemUrl('apple'), putInit(body)), 422)
    expect((await get('apple')).status).toBe(404)
  })

  it('answers 400 to a partial PUT (Content-Range) and stores nothing (RFC 9110 section 14.5)', async () => {
    const response = await request(itemUrl('apple'), {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE, 'Content-Range': 'bytes 0-6/20' },
      body: '{"a":1}',
    })
    await expectProblem(response, 400)
    expect((await get('apple')).status).toBe(404)
  })

  it('names the accepted media type in Accept on a 415 (RFC 9110 section 15.5.16)', async () => {
    const response = await request(itemUrl('apple'), {
      method: 'PUT',
      headers: { ...AUTH, 'Content-Type': 'text/plain' },
      body: '{"a":1}',
    })
    await expectProblem(response, 415)
    expect(response.headers.get('Accept')).toBe('application/json')
  })

  it('accepts a body of exactly MAX_BODY_BYTES', async () => {
    const body = JSON.stringify({ blob: 'x'.repeat(990) })
    const response = await fetchWith({ MAX_BODY_BYTES: String(body.length) }, itemUrl('apple'), putInit(body))
    expect(response.status).toBe(201)
  })
})

function putInit(body: string): RequestInit {
  return { method: 'PUT', headers: { ...AUTH, ...JSON_TYPE }, body }
}

describe('routing', () => {
  it.each([{ method: 'POST' }, { method: 'PROPFIND' }])(
    'answers 405 with Allow to $method on an item',
    async ({ method }) => {
      const response = await request(itemUrl('apple'), {
        method,
        headers: { ...AUTH, ...JSON_TYPE },
        body: '{}',
      })
      await expectProblem(response, 405)
      expect(response.headers.get('Allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS')
    },
  )

  it.each([{ method: 'OPTIONS' }, { method: 'POST' }, { method: 'GET' }])(
    'answers $method of an invalid id with 400',
    async ({ method }) => {
      await expectProblem(await request(`${itemUrl('a%20b')}`, { method }), 400)
    },
  )

  it('answers OPTIONS with 204 and Allow', async () => {
    const response = await request(itemUrl('apple'), { method: 'OPTIONS' })
    expect(response.status).toBe(204)
    expect(response.headers.get('Allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS')
  })

  it('answers 404 problem+json for unknown paths, echoing only the start of a long one', async () => {
    const long = await expectProblem(await request(`https://edge-etag.test/${'x'.repeat(20_000)}`), 404)
    expect(String(long.detail).length).toBeLessThan(300)
    await expectProblem(await request('https://edge-etag.test/nothing/here'), 404)
    await expectProblem(await request('https://edge-etag.test/api/items/a/b'), 404)
  })

  // workerd serve hands the worker the request-target as sent, and `curl --path-as-is` sends `%2e` unchanged;
  // a Request built here would normalise it away (as wrangler dev's proxy, browsers and the client do), so the
  // raw URL is put on the request as workerd gives it.
  it.each([{ segment: '%2e' }, { segment: '%2E%2e' }, { segment: '.%2e' }])(
    'answers 400 to a PUT whose id is the dot segment $segment, storing nothing',
    async ({ segment }) => {
      const sent = new Request(itemUrl('placeholder'), {
        method: 'PUT',
        headers: { ...AUTH, ...JSON_TYPE },
        body: '{"dot":true}',
      })
      const asWorkerdGivesIt = new Proxy(sent, {
        get(target, property) {
          if (property === 'url') return `https://edge-etag.test/api/items/${segment}`
          const value = Reflect.get(target, property, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
      const context = createExecutionContext()
      const response = await worker.fetch(asWorkerdGivesIt, env as Env, context)
      await waitOnExecutionContext(context)

      const problem = await expectProblem(response, 400)
      expect(problem.detail).toContain('not "." or ".."')
      expect((await (env as Env).DOCUMENTS.list()).keys).toEqual([])
    },
  )

  it('answers 400 to a PUT with a bad id, storing nothing', async () => {
    await expectProblem(await put('bad%20id', { a: 1 }), 400)
    // Every stored document is a KV key, and the store was empty before the PUT.
    expect((await (env as Env).DOCUMENTS.list()).keys).toEqual([])
  })
})

describe('hostile validators', () => {
  it.each([
    { what: 'an unterminated quote', header: '"abc' },
    { what: '10 000 tags', header: Array.from({ length: 10_000 }, (_, index) => `"t${index}"`).join(', ') },
    { what: 'a 64 KB value', header: `"${'a'.repeat(65_536)}"` },
    { what: 'bytes >= 0x80', header: '"caf\u00e9\u00ff"' },
  ])('handles If-None-Match with $what without failing', async ({ header }) => {
    await put('apple', { a: 1 })
    const response = await get('apple', { 'If-None-Match': header })
    expect(response.status).toBe(200)
  })

  it.each([
    { what: 'an unterminated quote', header: '"abc' },
    { what: '10 000 tags', header: Array.from({ length: 10_000 }, (_, index) => `"t${index}"`).join(', ') },
    { what: 'a 64 KB value', header: 'x'.repeat(65_536) },
  ])('answers 412 to a write whose If-Match has $what, and keeps the item', async ({ header }) => {
    await put('apple', { a: 1 })
    expect((await put('apple', { a: 2 }, { 'If-Match': header })).status).toBe(412)
    expect(await (await get('apple')).json()).toEqual({ a: 1 })
  })

  it('finds the matching tag at the end of 10 000', async () => {
    const etag = etagOf(await put('apple', { a: 1 }))
    const header = [...Array.from({ length: 9_999 }, (_, index) => `"t${index}"`), etag].join(',')
    expect((await get('apple', { 'If-None-Match': header })).status).toBe(304)
  })

  it('ignores hostile dates', async () => {
    await put('apple', { a: 1 })
    for (const date of [
      'x'.repeat(65_536),
      'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT',
      '\u00ff',
    ]) {
      expect((await get('apple', { 'If-Modified-Since': date })).status).toBe(200)
    }
  })
})

describe('KV failures', () => {
  it.each([
    { read: 'an item', url: itemUrl('apple'), path: '/api/items/apple', operation: 'KV get' },
    { read: 'the collection', url: COLLECTION_URL, path: '/api/items', operation: 'KV list' },
  ])('answers 503 with Retry-After when KV fails to read $read, and logs why once', async (row) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const response = await fetchWith({ DOCUMENTS: failingKv() }, row.url, { headers: AUTH })
    const problem = await expectProblem(response, 503)
    expect(response.headers.get('Retry-After')).toMatch(/^\d+$/)
    // The operator's log names the request and the KV operation that failed, with KV's own error as the cause.
    expect(errors).toHaveBeenCalledOnce()
    expect(errors).toHaveBeenCalledWith(
      `GET ${row.path}: ${row.operation} failed`,
      expect.objectContaining({ message: 'KV GET failed: 500 Internal Server Error' }),
    )
    // The client learns neither: not the store's error, not which operation failed.
    expect(JSON.stringify(problem)).not.toMatch(/KV|failed/i)
  })
})

describe('configuration', () => {
  it('refuses every write when no API_TOKEN is configured', async () => {
    const response = await fetchWith({ API_TOKEN: '' }, itemUrl('apple'), putInit('{"a":1}'))
    await expectProblem(response, 401)
    expect((await get('apple')).status).toBe(404)
  })

  it('answers 503, not 401, when the configured API_TOKEN could never be sent, and logs why', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const response = await fetchWith({ API_TOKEN: 'has a space' }, itemUrl('apple'), {
      method: 'PUT',
      headers: { Authorization: 'Bearer has a space', ...JSON_TYPE },
      body: '{"a":1}',
    })
    await expectProblem(response, 503)
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('API_TOKEN'))
    expect((await get('apple')).status).toBe(404)
  })

  describe('REQUIRE_IF_MATCH=true', () => {
    const required = { REQUIRE_IF_MATCH: 'true' }

    it('answers 428 to a replacing PUT without If-Match, and keeps the item', async () => {
      await put('apple', { v: 1 })
      await expectProblem(await fetchWith(required, itemUrl('apple'), putInit('{"v":2}')), 428)
      expect(await (await get('apple')).json()).toEqual({ v: 1 })
    })

    it('answers 428 to a DELETE without If-Match, and keeps the item', async () => {
      await put('apple', { v: 1 })
      await expectProblem(
        await fetchWith(required, itemUrl('apple'), { method: 'DELETE', headers: AUTH }),
        428,
      )
      expect((await get('apple')).status).toBe(200)
    })

    it('answers 412, not 428, when a create-only PUT meets an existing item', async () => {
      await put('apple', { v: 1 })
      const init = putInit('{"v":2}')
      init.headers = { ...AUTH, ...JSON_TYPE, 'If-None-Match': '*' }
      await expectProblem(await fetchWith(required, itemUrl('apple'), init), 412)
    })

    it('still creates without If-Match, and replaces and deletes with it', async () => {
      const created = await fetchWith(required, itemUrl('apple'), putInit('{"v":1}'))
      expect(created.status).toBe(201)
      const replace = putInit('{"v":2}')
      replace.headers = { ...AUTH, ...JSON_TYPE, 'If-Match': etagOf(created) }
      const replaced = await fetchWith(required, itemUrl('apple'), replace)
      expect(replaced.status).toBe(200)
      const deleted = await fetchWith(required, itemUrl('apple'), {
        method: 'DELETE',
        headers: { ...AUTH, 'If-Match': etagOf(replaced) },
      })
      expect(deleted.status).toBe(204)
    })
  })

  describe('STRICT_IF_MATCH=true', () => {
    it('refuses W/"h" in If-Match even when "h" is current', async () => {
      const etag = etagOf(await put('apple', { v: 1 }))
      const init = putInit('{"v":2}')
      init.headers = { ...AUTH, ...JSON_TYPE, 'If-Match': `W/${etag}` }
      await expectProblem(await fetchWith({ STRICT_IF_MATCH: 'true' }, itemUrl('apple'), init), 412)

      // The strong tag itself still matches.
      init.headers = { ...AUTH, ...JSON_TYPE, 'If-Match': etag }
      expect((await fetchWith({ STRICT_IF_MATCH: 'true' }, itemUrl('apple'), init)).status).toBe(200)
    })
  })
})
