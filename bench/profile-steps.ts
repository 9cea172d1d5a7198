/**
 * Where a small read's microseconds go: the API's 1 KB GET (200 and 304), the raw route, and each step of the
 * path on its own, timed in Node (the same V8 as workerd; a Worker's own clock does not move while it computes,
 * so the worker cannot time itself). KV is the floor-cost in-memory KV, so what is left is the worker's code.
 *
 * Usage: node bench/profile-steps.ts       (about 20 s; prints a table of microseconds per call)
 */

import { registerHooks } from 'node:module'

// The app imports `cloudflare:workers` for its Durable Object class; these reads never reach one.
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'cloudflare:workers') {
      return {
        url: `data:text/javascript,${encodeURIComponent('export class DurableObject {}')}`,
        shortCircuit: true,
      }
    }
    return nextResolve(specifier, context)
  },
})

// Loaded by path, untyped: this Node-typed project does not type-check the worker's code (the root project does).
// biome-ignore lint/suspicious/noExplicitAny: see above
const load = (path: string): Promise<any> => import(new URL(path, import.meta.url).href)
const { default: app } = await load('../src/index.ts')
const { MemoryKv } = await load('../bench/memory-kv.ts')
const { itemOfSize } = await import('./payloads.ts')
const { canonicalJson } = await load('../src/http/canonical-json.ts')
const { contentETag } = await load('../src/http/content-etag.ts')
const { formatHttpDate } = await load('../src/http/http-date.ts')
const { isValidHost } = await load('../src/http/host.ts')
const { evaluatePreconditions, readConditionalHeaders } = await load('../src/http/preconditions.ts')
const { representationHeaders } = await load('../src/conditional-response.ts')
const { readConfig } = await load('../src/config.ts')
const { RequestTrace } = await load('../src/observability/request-trace.ts')
const { requestLogLine } = await load('../src/observability/trace-requests.ts')
const { documentKey } = await load('../src/store/keys.ts')

const kv = new MemoryKv()
const bytes = new TextEncoder().encode(canonicalJson(itemOfSize(1_000)))
const etag = await contentETag(bytes)
const lastModified = formatHttpDate(Date.now() / 1000)
await kv.put(documentKey('items', 'size-1k'), bytes, {
  metadata: { etag, lastModified, size: bytes.byteLength },
})
const env = { DOCUMENTS: kv, API_TOKEN: 'bench-token', CORS_ALLOWED_ORIGINS: '' }
// biome-ignore lint/suspicious/noExplicitAny: Hono's context, untyped here
app.get('/bench/raw/:id', async (c: any) => {
  const bytes = await c.env.DOCUMENTS.get(documentKey('items', c.req.param('id')), 'arrayBuffer')
  return new Response(bytes, { headers: { 'Content-Type': 'application/json' } })
})

// console.log writes the log line; here it goes nowhere, as it costs the worker only the call.
console.log = () => undefined
const print = process.stdout.write.bind(process.stdout)

async function timed(
  label: string,
  run: () => unknown | Promise<unknown>,
  iterations = 20_000,
): Promise<number> {
  for (let warm = 0; warm < 2_000; warm++) await run()
  const started = process.hrtime.bigint()
  for (let index = 0; index < iterations; index++) await run()
  const microseconds = Number(process.hrtime.bigint() - started) / 1000 / iterations
  print(`| ${label} | ${microseconds.toFixed(2)} |\n`)
  return microseconds
}

const url = 'http://bench.local/api/items/size-1k'
const conditional = new Headers({ 'If-None-Match': etag, Host: 'bench.local' })
const plainHeaders = new Headers({ Host: 'bench.local' })
const validators = { etag, lastModified }

print('| step | µs per call |\n| --- | ---: |\n')
await timed('whole request: GET 1 KB, 200, body read', async () => {
  const response = await app.request(url, { headers: plainHeaders }, env)
  await response.arrayBuffer()
})
await timed('whole request: GET 1 KB, 304', () => app.request(url, { headers: conditional }, env))
await timed('whole request: raw route, 200, body read', async () => {
  const response = await app.request('http://bench.local/bench/raw/size-1k', { headers: plainHeaders }, env)
  await response.arrayBuffer()
})
await timed('KV getWithMetadata (memory), stream cancelled', async () => {
  const { value } = await kv.getWithMetadata(documentKey('items', 'size-1k'), { type: 'stream' })
  await value?.cancel()
})
await timed('readConditionalHeaders + evaluatePreconditions (304)', () =>
  evaluatePreconditions('GET', readConditionalHeaders(conditional), validators),
)
await timed('representationHeaders', () => representationHeaders(validators))
await timed('formatHttpDate (the Date field)', () => formatHttpDate(Date.now() / 1000))
await timed('isValidHost', () => isValidHost('bench.local'))
await timed('readConfig (CORS middleware)', () => readConfig(env))
await timed('crypto.randomUUID (request id)', () => crypto.randomUUID())
await timed('trace: two measures + Server-Timing', async () => {
  const trace = new RequestTrace()
  await trace.measure('kv', async () => undefined)
  return trace.serverTiming()
})
const response304 = new Response(null, { status: 304 })
await timed('log line: build + JSON.stringify', () =>
  JSON.stringify(requestLogLine('GET', '/api/items/size-1k', 'id', response304, new RequestTrace())),
)
await timed(
  'new Response(null, { headers })',
  () => new Response(null, { status: 304, headers: { ETag: etag } }),
)
