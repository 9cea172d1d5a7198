/**
 * The worker the benchmarks run: the API itself, plus the baselines it is compared with, in one bundle.
 *
 * - /bench/plain/:resource/:id and /bench/plain-page/:resource: the same payload read from KV and sent with
 *   plain `c.json()`, no validators: what the floor costs. The page reads the first 100 documents, one by one.
 * - /bench/hono-etag/...: the same routes behind Hono's built-in `etag()` middleware: what a Hono user has today.
 * - PUT /bench/seed/:resource/:id stores a document exactly as the writers publish it, into whichever KV is bound.
 * - /api/pages: a resource declared here, as a forker would, for the collection-page rows.
 *
 * With BENCH_KV = "memory", every route reads a floor-cost in-memory KV instead of Miniflare's.
 */

import { type Context, Hono } from 'hono'
import { etag } from 'hono/etag'
import type { AppEnv, Env } from '../src/env.ts'
import { canonicalJson } from '../src/http/canonical-json.ts'
import { contentETag } from '../src/http/content-etag.ts'
import { formatHttpDate } from '../src/http/http-date.ts'
import app from '../src/index.ts'
import { jsonResource } from '../src/json-resource/index.ts'
import { type DocumentMetadata, documentKey, resourcePrefix } from '../src/store/keys.ts'
import { MemoryKv } from './memory-kv.ts'

export { DocumentWriter } from '../src/store/document-writer.ts'

const memoryKv = new MemoryKv() as unknown as KVNamespace

async function plainDocument(c: Context<AppEnv>) {
  return c.json(
    await c.env.DOCUMENTS.get(documentKey(c.req.param('resource') ?? '', c.req.param('id') ?? ''), 'json'),
  )
}

async function plainPage(c: Context<AppEnv>) {
  const prefix = resourcePrefix(c.req.param('resource') ?? '')
  const { keys } = await c.env.DOCUMENTS.list({ prefix, limit: 100 })
  const values = await Promise.all(keys.map((key) => c.env.DOCUMENTS.get(key.name, 'json')))
  return c.json({
    items: keys.map((key, index) => ({ id: key.name.slice(prefix.length), value: values[index] })),
  })
}

const bench = new Hono<AppEnv>()
bench.get('/bench/plain/:resource/:id', plainDocument)
bench.get('/bench/plain-page/:resource', plainPage)
bench.get('/bench/hono-etag/:resource/:id', etag(), plainDocument)
bench.get('/bench/hono-etag-page/:resource', etag(), plainPage)
bench.put('/bench/seed/:resource/:id', async (c) => {
  const bytes = new TextEncoder().encode(canonicalJson(await c.req.json()))
  const metadata: DocumentMetadata = {
    etag: await contentETag(bytes),
    lastModified: formatHttpDate(Date.now() / 1000),
    size: bytes.byteLength,
  }
  await c.env.DOCUMENTS.put(documentKey(c.req.param('resource'), c.req.param('id')), bytes, { metadata })
  return c.json(metadata)
})
bench.route('/api/pages', jsonResource({ name: 'pages' }))
bench.route('/', app)

export default {
  fetch(request: Request, env: Env & { BENCH_KV?: string }, ctx: ExecutionContext) {
    return bench.fetch(request, env.BENCH_KV === 'memory' ? { ...env, DOCUMENTS: memoryKv } : env, ctx)
  },
}
