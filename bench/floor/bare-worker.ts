/**
 * The bare workers the floor bench compares edge-etag with: what a user writes without this template, on Hono
 * alone, with none of the project's middleware, reading the same KV (a separate service, as on Cloudflare).
 *
 * - GET /raw/<key>: the stored bytes streamed from KV as they are, with Content-Type and nothing else (no
 *   validators): the floor for serving a stored JSON document.
 * - GET /page/<prefix>: up to 100 keys listed under the prefix, their values bulk-read in one call and joined
 *   into edge-etag's page shape, `{"items":[{"id":...,"value":...}]}`: the floor for a page.
 * - GET /etag/<bytes>: Hono's `etag()` over `c.json()` of a document built in memory for each request (what a
 *   Hono user has when the data is at hand); GET /etag-kv/<key>: `etag()` over `c.json()` of the value read
 *   from KV (what a Hono user writes for stored documents).
 * - GET /page-tagged/<prefix>: the same page with a strong ETag and 304s, as a user would add them: the tag
 *   hashed from the listed members' ids and tags (KV's listing carries each key's metadata), a matching
 *   If-None-Match answered 304 before any value is read: the floor for a page with a validator.
 * - PUT /seed/<key>: stores the body as it is, and the X-ETag field as the key's metadata (the bench copies
 *   edge-etag's stored bytes and tags here).
 */

import { Hono } from 'hono'
import { etag } from 'hono/etag'
import { itemOfSize } from '../payloads.ts'

type Bare = { Bindings: { DOCUMENTS: KVNamespace } }

const app = new Hono<Bare>()

app.put('/seed/:key', async (c) => {
  await c.env.DOCUMENTS.put(c.req.param('key'), await c.req.arrayBuffer(), {
    metadata: { etag: c.req.header('X-ETag') ?? '' },
  })
  return c.body(null, 204)
})

app.get('/raw/:key', async (c) => {
  const value = await c.env.DOCUMENTS.get(c.req.param('key'), 'stream')
  if (value === null) return c.notFound()
  return new Response(value, { headers: { 'Content-Type': 'application/json' } })
})

// The bare KV read with one thing more each, what any worker pays for it: the metadata with the value, the
// fields edge-etag's 200 carries, one JSON log line.
app.get('/raw-metadata/:key', async (c) => {
  const { value, metadata } = await c.env.DOCUMENTS.getWithMetadata<{ etag: string }>(
    c.req.param('key'),
    'stream',
  )
  if (value === null) return c.notFound()
  return new Response(value, { headers: { 'Content-Type': 'application/json', ETag: metadata?.etag ?? '' } })
})

app.get('/raw-fields/:key', async (c) => {
  const value = await c.env.DOCUMENTS.get(c.req.param('key'), 'stream')
  if (value === null) return c.notFound()
  return new Response(value, { headers: FIELDS })
})

const FIELDS = {
  'Content-Type': 'application/json',
  ETag: '"t0aL3i3ismb_ET-4qHDIo-W5PbN-5qQQi0ZC6SE-sQU"',
  'Cache-Control': 'no-cache, max-age=0',
  'Last-Modified': 'Mon, 07 Dec 2026 17:26:52 GMT',
  'Accept-Patch': 'application/merge-patch+json',
  Date: 'Mon, 07 Dec 2026 17:26:52 GMT',
  'X-Request-Id': '44ccf6dd-3ff9-42a5-834f-9f95636b4a09',
  'Server-Timing': 'kv;dur=0, total;dur=0',
}

// All of it at once: what any worker that reads a document from KV and answers with edge-etag's fields and a
// log line costs, as a 200 (the value streamed) and as a 304 (the value's stream cancelled, 245 bytes sent).
app.get('/raw-answered/:key', async (c) => {
  const { value } = await c.env.DOCUMENTS.getWithMetadata(c.req.param('key'), 'stream')
  if (value === null) return c.notFound()
  console.log(JSON.stringify({ message: 'request', method: 'GET', path: c.req.path, status: 200 }))
  if (c.req.header('If-None-Match') === undefined) return new Response(value, { headers: FIELDS })
  await value.cancel()
  return new Response(null, { status: 304, headers: NOT_MODIFIED_FIELDS })
})

// The fields of edge-etag's 304: those of its 200 less Content-Type, Last-Modified and Accept-Patch.
const NOT_MODIFIED_FIELDS = Object.fromEntries(
  Object.entries(FIELDS).filter(
    ([name]) => !['Content-Type', 'Last-Modified', 'Accept-Patch'].includes(name),
  ),
)

app.get('/raw-log/:key', async (c) => {
  const value = await c.env.DOCUMENTS.get(c.req.param('key'), 'stream')
  if (value === null) return c.notFound()
  console.log(JSON.stringify({ message: 'request', method: 'GET', path: c.req.path, status: 200 }))
  return new Response(value, { headers: { 'Content-Type': 'application/json' } })
})

// The listing a page starts with, and nothing else: what a page's 304 cannot go below.
app.get('/listing/:prefix', async (c) => {
  const { keys } = await c.env.DOCUMENTS.list({ prefix: c.req.param('prefix'), limit: 100 })
  return new Response(null, { status: keys.length === 0 ? 404 : 204 })
})

app.get('/page/:prefix', async (c) => {
  const prefix = c.req.param('prefix')
  const { keys } = await c.env.DOCUMENTS.list({ prefix, limit: 100 })
  const names = keys.map(({ name }) => name)
  const values =
    names.length === 0 ? new Map<string, string | null>() : await c.env.DOCUMENTS.get(names, 'text')
  return new Response(
    pageOf(prefix, names, (name) => values.get(name)),
    {
      headers: { 'Content-Type': 'application/json' },
    },
  )
})

// A page in edge-etag's shape, `{"items":[{"id":...,"value":...}]}`, of the values of the keys `names`.
function pageOf(prefix: string, names: readonly string[], stored: (name: string) => unknown): string {
  const members = names.map(
    (name) => `{"id":${JSON.stringify(name.slice(prefix.length))},"value":${stored(name)}}`,
  )
  return `{"items":[${members.join(',')}]}`
}

// The same page, read with each value's metadata (edge-etag needs each member's tag, to know the page it
// read is the one it listed).
app.get('/page-metadata/:prefix', async (c) => {
  const prefix = c.req.param('prefix')
  const { keys } = await c.env.DOCUMENTS.list({ prefix, limit: 100 })
  const names = keys.map(({ name }) => name)
  const values = names.length === 0 ? new Map() : await c.env.DOCUMENTS.getWithMetadata(names, 'text')
  return new Response(
    pageOf(prefix, names, (name) => values.get(name)?.value),
    {
      headers: { 'Content-Type': 'application/json' },
    },
  )
})

app.get('/page-tagged/:prefix', async (c) => {
  const prefix = c.req.param('prefix')
  const { keys } = await c.env.DOCUMENTS.list<{ etag: string }>({ prefix, limit: 100 })
  const listed = keys.map(({ name, metadata }) => `${name} ${metadata?.etag ?? ''}`).join('\n')
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(listed))
  const tag = `"${btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/[+/=]/g, base64url)}"`
  if (c.req.header('If-None-Match') === tag)
    return new Response(null, { status: 304, headers: { ETag: tag } })
  const names = keys.map(({ name }) => name)
  const values =
    names.length === 0 ? new Map<string, string | null>() : await c.env.DOCUMENTS.get(names, 'text')
  return new Response(
    pageOf(prefix, names, (name) => values.get(name)),
    {
      headers: { 'Content-Type': 'application/json', ETag: tag },
    },
  )
})

// The base64url alphabet (RFC 4648 section 5), unpadded, from btoa's: what a worker written by hand would do.
const base64url = (symbol: string) => (symbol === '+' ? '-' : symbol === '/' ? '_' : '')

app.get('/etag/:bytes', etag(), (c) => c.json(itemOfSize(Number(c.req.param('bytes')))))

app.get('/etag-kv/:key', etag(), async (c) => {
  const value = await c.env.DOCUMENTS.get(c.req.param('key'), 'json')
  return value === null ? c.notFound() : c.json(value)
})

export default app
