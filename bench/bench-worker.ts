/**
 * The worker the benchmarks run: the API itself, plus the baselines it is compared with, in one bundle.
 *
 * - /bench/plain/:id and /bench/plain-collection: the same payload read from KV and sent with plain
 *   `c.json()`, no validators: what the floor costs.
 * - /bench/hono-etag/...: the same routes behind Hono's built-in `etag()` middleware: what a Hono user has today.
 * - PUT /bench/seed/:id stores an item exactly as the API's writers publish it, into whichever KV is bound.
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
import { ITEM_PREFIX, itemKey } from '../src/store/keys.ts'
import { MemoryKv } from './memory-kv.ts'

export { ItemWriter } from '../src/writes/item-writer.ts'

const memoryKv = new MemoryKv() as unknown as KVNamespace

async function plainItem(c: Context<AppEnv>) {
  return c.json(await c.env.ITEMS.get(itemKey(c.req.param('id') ?? ''), 'json'))
}

async function plainCollection(c: Context<AppEnv>) {
  const { keys } = await c.env.ITEMS.list({ prefix: ITEM_PREFIX })
  const values = await Promise.all(keys.map((key) => c.env.ITEMS.get(key.name, 'json')))
  return c.json({
    items: keys.map((key, index) => ({ id: key.name.slice(ITEM_PREFIX.length), value: values[index] })),
  })
}

const bench = new Hono<AppEnv>()
bench.get('/bench/plain/:id', plainItem)
bench.get('/bench/plain-collection', plainCollection)
bench.get('/bench/hono-etag/:id', etag(), plainItem)
bench.get('/bench/hono-etag-collection', etag(), plainCollection)
bench.put('/bench/seed/:id', async (c) => {
  const bytes = new TextEncoder().encode(canonicalJson(await c.req.json()))
  const metadata = { etag: await contentETag(bytes), lastModified: formatHttpDate(Date.now() / 1000) }
  await c.env.ITEMS.put(itemKey(c.req.param('id')), bytes, { metadata })
  return c.json(metadata)
})
bench.route('/', app)

export default {
  fetch(request: Request, env: Env & { BENCH_KV?: string }, ctx: ExecutionContext) {
    return bench.fetch(request, env.BENCH_KV === 'memory' ? { ...env, ITEMS: memoryKv } : env, ctx)
  },
}
