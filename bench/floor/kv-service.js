// Workers KV for `workerd serve`, held in memory: the service a `kvNamespace` binding sends its requests to, in
// the HTTP shape workerd speaks to KV (the one Miniflare's KV simulator answers). It runs as a second service in
// the worker's own workerd process, so every KV call leaves the worker's isolate, as a KV call on Cloudflare
// leaves it for another service; it answers at once, so it is a floor for KV's cost, never a model of its latency.

/** @type {Map<string, { value: Uint8Array, metadata: string | undefined }>} */
const entries = new Map()

// Above this size a value goes out as a stream of one chunk that is only produced when read: a reader that
// cancels it unread (a 304 needs only the metadata) then costs what it costs for a small value.
const STREAM_ABOVE = 128 * 1024

function bodyOf(value) {
  if (value.byteLength <= STREAM_ABOVE) return value
  return new ReadableStream(
    {
      expectedLength: value.byteLength,
      pull(controller) {
        controller.enqueue(value)
        controller.close()
      },
    },
    { highWaterMark: 0 },
  )
}

function keyOf(url) {
  const name = url.pathname.slice(1)
  return url.searchParams.get('urlencoded') === 'true' ? decodeURIComponent(name) : name
}

function list(url) {
  const prefix = url.searchParams.get('prefix') ?? ''
  const limit = Number(url.searchParams.get('key_count_limit') ?? 1000)
  const start = Number(url.searchParams.get('cursor') ?? 0)
  const names = [...entries.keys()].filter((name) => name.startsWith(prefix)).sort()
  const keys = names
    .slice(start, start + limit)
    .map((name) => ({ name, metadata: entries.get(name).metadata }))
  const complete = start + limit >= names.length
  return Response.json(
    complete
      ? { keys, list_complete: true, cacheStatus: null }
      : { keys, list_complete: false, cursor: String(start + limit), cacheStatus: null },
  )
}

async function bulkGet(request) {
  const { keys, type = 'text', withMetadata } = await request.json()
  const decoder = new TextDecoder()
  const found = {}
  for (const key of keys) {
    const entry = entries.get(key)
    if (entry === undefined) {
      found[key] = null
      continue
    }
    const text = decoder.decode(entry.value)
    const value = type === 'json' ? JSON.parse(text) : text
    found[key] = withMetadata
      ? { value, metadata: entry.metadata === undefined ? null : JSON.parse(entry.metadata) }
      : value
  }
  return Response.json(found)
}

export default {
  async fetch(request) {
    const url = new URL(request.url)
    if (request.method === 'POST' && url.pathname === '/bulk/get') return bulkGet(request)
    if (request.method === 'GET' && url.pathname === '/') return list(url)
    const key = keyOf(url)
    switch (request.method) {
      case 'GET': {
        const entry = entries.get(key)
        if (entry === undefined) return new Response('Not Found', { status: 404 })
        const headers = entry.metadata === undefined ? {} : { 'CF-KV-Metadata': entry.metadata }
        return new Response(bodyOf(entry.value), { headers })
      }
      case 'PUT':
        entries.set(key, {
          value: new Uint8Array(await request.arrayBuffer()),
          metadata: request.headers.get('CF-KV-Metadata') ?? undefined,
        })
        return new Response()
      case 'DELETE':
        entries.delete(key)
        return new Response()
      default:
        return new Response('Method Not Allowed', { status: 405 })
    }
  },
}
