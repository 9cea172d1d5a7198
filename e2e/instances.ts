/**
 * Identical ETags across independent instances: what "the same tag at every edge" means, over real HTTP.
 *
 * Starts two `wrangler dev` instances of the worker, each with its own persisted local KV, and shows that
 * equal data stored on both, even spelled differently, gives byte-identical bodies and the same strong ETag
 * (items and the collection), that a tag from one instance earns a 304 from the other, and that different data
 * gives different tags.
 *
 * Usage, from the project root: node_modules/.bin/node e2e/instances.ts   (15-25 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { Checks, exitAfter } from './checks.ts'
import type { LocalServer } from './local-server.ts'
import { startLocalServer, WRITE_HEADERS } from './local-server.ts'

const REQUEST_TIMEOUT_MS = 15_000

/** Reply is what a request got: its status, its ETag and its exact body bytes. */
interface Reply {
  status: number
  etag: string | null
  body: Buffer
}

async function send(base: URL, path: string, init: RequestInit = {}): Promise<Reply> {
  const url = new URL(path, base)
  // identity: compare the bytes the worker sends, not what wrangler's local proxy gzips.
  const headers = { 'Accept-Encoding': 'identity', ...(init.headers as Record<string, string> | undefined) }
  const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  const body = Buffer.from(await response.arrayBuffer())
  return { status: response.status, etag: response.headers.get('ETag'), body }
}

/** put stores `json` exactly as written (key order, spacing, number spelling) and expects 200 or 201. */
async function put(base: URL, id: string, json: string): Promise<Reply> {
  const reply = await send(base, `/api/items/${id}`, { method: 'PUT', headers: WRITE_HEADERS, body: json })
  assert.ok(reply.status === 200 || reply.status === 201, `PUT /api/items/${id} on ${base}: ${reply.status}`)
  return reply
}

function get(base: URL, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return send(base, path, { headers })
}

/** sha256Tag computes, independently of the worker, the tag these bytes must have. */
function sha256Tag(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`
}

function assertSameRepresentation(a: Reply, b: Reply, what: string): void {
  assert.ok(a.etag !== null && b.etag !== null, `${what}: an ETag is missing`)
  assert.equal(a.body.toString(), b.body.toString(), `${what}: the bodies differ`)
  assert.ok(a.body.equals(b.body), `${what}: the bodies differ in their bytes`)
  assert.equal(a.etag, b.etag, `${what}: the ETags differ`)
}

// One value in two spellings: other key order, whitespace, and 2.50 / 1.0 for 2.5 / 1.
const SPELLING_A = '{"b":[1,2.50],"a":"x"}'
const SPELLING_B = '{ "a" : "x", "b" : [1.0, 2.5] }'
const CANONICAL = '{"a":"x","b":[1,2.5]}'

// The collection's items, written in another order and spelling on each instance.
const ITEMS_A: Array<[string, string]> = [
  ['apple', '{"name":"Apple","price":0.50,"tags":["fruit","crisp"]}'],
  ['banana', '{"price":0.25,"name":"Banana"}'],
  ['cheese', '{"name":"Cheese","price":4,"aged":true}'],
]
const ITEMS_B: Array<[string, string]> = [
  ['cheese', '{ "aged": true, "price": 4.0, "name": "Cheese" }'],
  ['apple', '{\n  "tags": ["fruit", "crisp"],\n  "price": 5e-1,\n  "name": "Apple"\n}'],
  ['banana', '{"name":"Banana","price":2.5E-1}'],
]

exitAfter(240_000)
const checks = new Checks()
const servers: LocalServer[] = []
try {
  const started = await Promise.allSettled([startLocalServer('instance A'), startLocalServer('instance B')])
  for (const result of started) if (result.status === 'fulfilled') servers.push(result.value)
  for (const result of started) if (result.status === 'rejected') throw result.reason
  const [a, b] = servers.map((server) => server.url) as [URL, URL]

  const [putA, putB] = await Promise.all([put(a, 'same', SPELLING_A), put(b, 'same', SPELLING_B)])
  await checks.run(
    'one value PUT in two spellings gets byte-identical bodies and one ETag on A and B',
    async () => {
      assertSameRepresentation(putA, putB, 'PUT responses')
      assert.equal(putA.body.toString(), CANONICAL)
      return `${putA.etag} for ${CANONICAL}`
    },
  )

  await checks.run('the ETag is the SHA-256 of those bytes, computed here too', async () => {
    assert.equal(putA.etag, sha256Tag(putA.body))
    return undefined
  })

  await checks.run('GET on each instance serves the bytes and ETag the PUTs answered', async () => {
    const [getA, getB] = await Promise.all([get(a, '/api/items/same'), get(b, '/api/items/same')])
    assert.equal(getA.status, 200)
    assert.equal(getB.status, 200)
    assertSameRepresentation(getA, putA, 'GET on A and the PUT')
    assertSameRepresentation(getB, putA, 'GET on B and the PUT')
    return undefined
  })

  await checks.run("If-None-Match with A's tag gets 304 from B, and B's from A", async () => {
    const fromB = await get(b, '/api/items/same', { 'If-None-Match': putA.etag ?? '' })
    const fromA = await get(a, '/api/items/same', { 'If-None-Match': putB.etag ?? '' })
    assert.equal(fromB.status, 304, 'B')
    assert.equal(fromA.status, 304, 'A')
    assert.equal(fromB.body.length + fromA.body.length, 0, 'a 304 carried a body')
    return undefined
  })

  // Both instances now get the same items, each in its own order and spelling, written concurrently.
  await Promise.all([
    (async () => {
      for (const [id, json] of ITEMS_A) await put(a, id, json)
    })(),
    (async () => {
      for (const [id, json] of ITEMS_B) await put(b, id, json)
    })(),
  ])
  const [collectionA, collectionB] = await Promise.all([get(a, '/api/items'), get(b, '/api/items')])

  await checks.run('the collection has byte-identical bodies and one ETag on A and B', async () => {
    assert.equal(collectionA.status, 200)
    assert.equal(collectionB.status, 200)
    assertSameRepresentation(collectionA, collectionB, 'collections')
    const ids = (JSON.parse(collectionA.body.toString()) as { items: Array<{ id: string }> }).items.map(
      (item) => item.id,
    )
    assert.deepEqual(ids, ['apple', 'banana', 'cheese', 'same'])
    return `${collectionA.etag}, ${collectionA.body.length} bytes`
  })

  await checks.run("If-None-Match with A's collection tag gets 304 from B", async () => {
    const fromB = await get(b, '/api/items', { 'If-None-Match': collectionA.etag ?? '' })
    assert.equal(fromB.status, 304)
    return undefined
  })

  // Now the instances diverge: one item gets different data on each.
  const [otherA, otherB] = await Promise.all([
    put(a, 'other', '{"a":"x","b":[1,2.5]}'),
    put(b, 'other', '{"a":"x","b":[1,2.51]}'),
  ])

  await checks.run('different data gets a different item ETag, and no 304 for the other tag', async () => {
    assert.notEqual(otherA.etag, otherB.etag)
    const crossed = await get(b, '/api/items/other', { 'If-None-Match': otherA.etag ?? '' })
    assert.equal(crossed.status, 200)
    assert.equal(crossed.etag, otherB.etag)
    return undefined
  })

  await checks.run(
    'different data gets a different collection ETag, and no 304 for the other tag',
    async () => {
      const [nowA, nowB] = await Promise.all([get(a, '/api/items'), get(b, '/api/items')])
      assert.notEqual(nowA.etag, nowB.etag)
      assert.notEqual(nowA.etag, collectionA.etag, 'the collection kept its tag through a write')
      const crossed = await get(b, '/api/items', { 'If-None-Match': nowA.etag ?? '' })
      assert.equal(crossed.status, 200)
      assert.equal(crossed.etag, nowB.etag)
      return undefined
    },
  )
} catch (error) {
  checks.fail('the instances could not be set up or driven', error)
} finally {
  await Promise.all(servers.map((server) => server.stop()))
  checks.finish()
}
