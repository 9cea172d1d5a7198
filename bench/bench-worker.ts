/**
 * The worker the benchmarks run: the API itself, plus the baselines it is compared with, in one bundle. The
 * baselines are routes of the same app, behind the same middleware (Date, Host check, request id, Server-Timing
 * and log line, CORS), so that a ratio compares what the handlers do, as a forker's plain route would run here.
 *
 * - /bench/empty: an empty 204, the least any request costs behind this middleware.
 * - /bench/kv-unread/:resource/:id: the KV read of a 304 alone (the value's stream cancelled unread), then a 204.
 * - /bench/raw/:resource/:id: the stored bytes read from KV and sent as they are, no validators, no parse, no
 *   serialisation: the floor of serving stored JSON.
 * - /bench/plain/:resource/:id and /bench/plain-page/:resource: the same payload read from KV, parsed, and sent
 *   with plain `c.json()`. The page reads the first 100 documents, one by one.
 * - /bench/plain-query/:resource: the query rows' page the plain way: one KV list of the index entries of open
 *   tasks by due date (the prefix the API lists), then the 100 documents read one by one and sent with `c.json()`.
 * - /bench/hono-etag/...: the plain routes behind Hono's built-in `etag()` middleware: what a Hono user has today.
 * - PUT /bench/seed/:resource/:id stores a document exactly as the writers publish it, into whichever KV is
 *   bound; POST /bench/seed-many/:resource?count=&bytes= stores `count` documents of about `bytes` each;
 *   POST /bench/seed-tasks/:resource?from=&count=&doneEvery= stores task-like documents of 1 KB with the index
 *   entries the writers publish for them (indexKeysOf, with the resource's declared indexes).
 * - /api/pages-100, /api/pages-10k and /api/writes: resources declared here, as a forker would, for the
 *   collection-page rows and the write rows; /api/query-100 and /api/query-10k (the tasks' indexes) for the
 *   query-page rows, and /api/indexed-0, -2 and -4 (no index, two, four) for the indexed write rows
 *   (bench/indexed-resources.ts).
 *
 * With BENCH_KV = "memory", every route, and every document writer, uses a floor-cost in-memory KV instead of
 * Miniflare's.
 */

import type { Context } from 'hono'
import { etag } from 'hono/etag'
import { idOfIndexKey, indexKeysOf, indexPrefix, whereComponent } from '../src/documents/collection-index.ts'
import { rulesOf } from '../src/documents/resource-rules.ts'
import type { AppEnv, Env } from '../src/env.ts'
import { canonicalJson } from '../src/http/canonical-json.ts'
import { contentETag } from '../src/http/content-etag.ts'
import { formatHttpDate } from '../src/http/http-date.ts'
import app from '../src/index.ts'
import { jsonResource } from '../src/json-resource/index.ts'
import { DocumentWriter as ApiDocumentWriter } from '../src/store/document-writer.ts'
import { type DocumentMetadata, documentKey, resourcePrefix } from '../src/store/keys.ts'
import { KvDocumentStore } from '../src/store/kv-document-store.ts'
import { INDEXED_WRITES, QUERY_COLLECTIONS, TASK_INDEXES } from './indexed-resources.ts'
import { MemoryKv } from './memory-kv.ts'
import { itemOfSize, taskOfSize } from './payloads.ts'

type BenchEnv = Env & { BENCH_KV?: string }

// One per isolate: the worker and its Durable Objects run in one isolate under workerd, so they share it.
const memoryKv = new MemoryKv() as unknown as KVNamespace

/** DocumentWriter is the API's writer, publishing to the in-memory KV when the worker reads from it. */
export class DocumentWriter extends ApiDocumentWriter {
  constructor(ctx: DurableObjectState, env: BenchEnv) {
    super(ctx, env)
    if (env.BENCH_KV === 'memory') this.publisher = new KvDocumentStore(memoryKv)
  }
}

function keyOf(c: Context<AppEnv>): string {
  return documentKey(c.req.param('resource') ?? '', c.req.param('id') ?? '')
}

// The floor: the stored bytes streamed as they are, as the API streams them. Under Miniflare the value is read
// whole instead: its KV streams stall under a benchmark's keep-alive load.
async function rawDocument(c: Context<AppEnv & { Bindings: BenchEnv }>) {
  const type = c.env.BENCH_KV === 'memory' ? 'stream' : 'arrayBuffer'
  const body = await c.env.DOCUMENTS.get(keyOf(c), { type } as KVNamespaceGetOptions<'stream'>)
  return new Response(body, { headers: { 'Content-Type': 'application/json' } })
}

async function plainDocument(c: Context<AppEnv>) {
  return c.json(await c.env.DOCUMENTS.get(keyOf(c), 'json'))
}

async function plainPage(c: Context<AppEnv>) {
  const prefix = resourcePrefix(c.req.param('resource') ?? '')
  const { keys } = await c.env.DOCUMENTS.list({ prefix, limit: 100 })
  const values = await Promise.all(keys.map((key) => c.env.DOCUMENTS.get(key.name, 'json')))
  return c.json({
    items: keys.map((key, index) => ({ id: key.name.slice(prefix.length), value: values[index] })),
  })
}

// The query rows' page the plain way: the index entries of open tasks by due date (the API's prefix for
// ?done=false&sort=due), then each document read and parsed, and the page sent with c.json().
async function plainQueryPage(c: Context<AppEnv>) {
  const resource = c.req.param('resource') ?? ''
  const index = rulesOf(resource)?.indexes.find(({ where, sort }) => where === 'done' && sort === 'due')
  if (index === undefined) return c.notFound()
  const prefix = indexPrefix(resource, index, await whereComponent('false'), 'a')
  const { keys } = await c.env.DOCUMENTS.list({ prefix, limit: 100 })
  const ids = keys.map((key) => idOfIndexKey(key.name))
  const values = await Promise.all(ids.map((id) => c.env.DOCUMENTS.get(documentKey(resource, id), 'json')))
  return c.json({ items: ids.map((id, index) => ({ id, value: values[index] })) })
}

async function seed(
  kv: KVNamespace,
  resource: string,
  id: string,
  value: unknown,
): Promise<DocumentMetadata> {
  const bytes = new TextEncoder().encode(canonicalJson(value))
  const metadata: DocumentMetadata = {
    etag: await contentETag(bytes),
    lastModified: formatHttpDate(Date.now() / 1000),
    size: bytes.byteLength,
  }
  await kv.put(documentKey(resource, id), bytes, { metadata })
  return metadata
}

app.get('/bench/empty', () => new Response(null, { status: 204 }))
app.get('/bench/kv-unread/:resource/:id', async (c) => {
  const { value } = await c.env.DOCUMENTS.getWithMetadata(keyOf(c), { type: 'stream' })
  await value?.cancel()
  return new Response(null, { status: 204 })
})
app.get('/bench/raw/:resource/:id', rawDocument)
app.get('/bench/plain/:resource/:id', plainDocument)
app.get('/bench/plain-page/:resource', plainPage)
app.get('/bench/hono-etag/:resource/:id', etag(), plainDocument)
app.get('/bench/hono-etag-page/:resource', etag(), plainPage)
app.put('/bench/seed/:resource/:id', async (c) =>
  c.json(await seed(c.env.DOCUMENTS, c.req.param('resource'), c.req.param('id'), await c.req.json())),
)
app.post('/bench/seed-many/:resource', async (c) => {
  const count = Number(c.req.query('count') ?? 0)
  const bytes = Number(c.req.query('bytes') ?? 1000)
  for (let index = 0; index < count; index++) {
    await seed(
      c.env.DOCUMENTS,
      c.req.param('resource'),
      `d${String(index).padStart(5, '0')}`,
      itemOfSize(bytes, index),
    )
  }
  return c.json({ count })
})
// Task-like documents with their index entries, written as a document's writer publishes them: the document,
// then an entry per key indexKeysOf gives, each with the document's tag and size. Batches of 50 at a time.
app.post('/bench/seed-tasks/:resource', async (c) => {
  const resource = c.req.param('resource')
  const indexes = rulesOf(resource)?.indexes ?? []
  const from = Number(c.req.query('from') ?? 0)
  const count = Number(c.req.query('count') ?? 0)
  const doneEvery = Number(c.req.query('doneEvery') ?? 0)
  const store = new KvDocumentStore(c.env.DOCUMENTS)
  let entries = 0
  for (let start = from; start < from + count; start += 50) {
    const batch = Array.from({ length: Math.min(50, from + count - start) }, (_, offset) => start + offset)
    await Promise.all(
      batch.map(async (index) => {
        const id = `d${String(index).padStart(5, '0')}`
        const task = taskOfSize(1_000, index, doneEvery > 0 && index % doneEvery === doneEvery - 1)
        const { etag, size } = await seed(c.env.DOCUMENTS, resource, id, task)
        const keys = await indexKeysOf(resource, id, task, indexes)
        await store.putIndexEntries(keys, { etag, size })
        entries += keys.length
      }),
    )
  }
  return c.json({ count, entries })
})
app.route('/api/pages-100', jsonResource({ name: 'pages-100' }))
app.route('/api/pages-10k', jsonResource({ name: 'pages-10k' }))
app.route('/api/writes', jsonResource({ name: 'writes' }))
for (const { resource } of QUERY_COLLECTIONS) {
  app.route(`/api/${resource}`, jsonResource({ name: resource, indexes: TASK_INDEXES }))
}
for (const { resource, indexes } of INDEXED_WRITES)
  app.route(`/api/${resource}`, jsonResource({ name: resource, indexes }))
app.get('/bench/plain-query/:resource', plainQueryPage)

export default {
  fetch(request: Request, env: BenchEnv, ctx: ExecutionContext) {
    return app.fetch(request, env.BENCH_KV === 'memory' ? { ...env, DOCUMENTS: memoryKv } : env, ctx)
  },
}
