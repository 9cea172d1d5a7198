/**
 * A floor-cost KV for benchmarks: the parts of the KVNamespace API this worker uses, on a Map in the
 * isolate's memory. Miniflare's KV simulator costs about a millisecond per operation, which hides the
 * worker's own cost; with this one, what is measured is the worker.
 */

type Value = { bytes: Uint8Array; blob: Blob; metadata: unknown }
type GetType = 'text' | 'json' | 'arrayBuffer' | 'stream'

/**
 * STREAM_CHUNK_BYTES is the size of the parts a value's Blob is built from. Opening a workerd Blob's stream
 * costs more the larger its first part (measured under `workerd serve`: opening and cancelling the stream of a
 * 1 MB Blob of one part took 0.1-0.15 ms more CPU than a 1 KB one's), so one part made an unread 1 MB value
 * dearer than an unread 1 KB one, where KV's streams, arriving from the network, cost the same unread at any size.
 */
const STREAM_CHUNK_BYTES = 64 * 1024

function blobOf(bytes: Uint8Array): Blob {
  const parts: Uint8Array[] = []
  for (let start = 0; start < bytes.byteLength; start += STREAM_CHUNK_BYTES) {
    parts.push(bytes.subarray(start, start + STREAM_CHUNK_BYTES))
  }
  return new Blob(parts)
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function typeOf(options: unknown): GetType {
  if (typeof options === 'string') return options as GetType
  return ((options as { type?: GetType } | undefined)?.type ?? 'text') as GetType
}

function decode({ bytes, blob }: Value, type: GetType): unknown {
  switch (type) {
    case 'text':
      return decoder.decode(bytes)
    case 'json':
      return JSON.parse(decoder.decode(bytes))
    case 'arrayBuffer':
      return bytes.slice().buffer
    case 'stream':
      // A Blob's stream is the runtime's own, with its length known (so a response gets a Content-Length),
      // as KV's streams are, and reads the bytes without copying them in JavaScript; a 304 that cancels it
      // reads nothing.
      return blob.stream()
  }
}

// lowerBound returns the index of the first name not below `key`, by binary search.
function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((sorted[middle] as string) < key) low = middle + 1
    else high = middle
  }
  return low
}

/** MemoryKv holds values and metadata in a Map; cast it to KVNamespace to bind it. */
export class MemoryKv {
  readonly #values = new Map<string, Value>()
  #sorted: string[] | undefined

  async get(key: string | string[], options?: unknown): Promise<unknown> {
    const type = typeOf(options)
    if (Array.isArray(key)) {
      return new Map(key.map((name) => [name, this.#read(name, type)]))
    }
    return this.#read(key, type)
  }

  async getWithMetadata(key: string | string[], options?: unknown): Promise<unknown> {
    const type = typeOf(options)
    if (Array.isArray(key)) return new Map(key.map((name) => [name, this.#readWithMetadata(name, type)]))
    return this.#readWithMetadata(key, type)
  }

  async put(key: string, value: string | ArrayBuffer | ArrayBufferView, options?: { metadata?: unknown }) {
    const bytes =
      typeof value === 'string'
        ? encoder.encode(value)
        : value instanceof ArrayBuffer
          ? new Uint8Array(value.slice(0))
          : new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength))
    if (!this.#values.has(key)) this.#sorted = undefined
    this.#values.set(key, { bytes, blob: blobOf(bytes), metadata: options?.metadata ?? null })
  }

  async delete(key: string): Promise<void> {
    if (this.#values.delete(key)) this.#sorted = undefined
  }

  // Like KV: keys in byte order, at most `limit` (1000) of them, with their metadata; the cursor is the last
  // key returned. The sorted key list is kept until a write changes it, so a list costs what KV's would.
  async list(options: { prefix?: string; limit?: number; cursor?: string | null } = {}) {
    const prefix = options.prefix ?? ''
    this.#sorted ??= [...this.#values.keys()].sort()
    const after = options.cursor ? atob(options.cursor) : ''
    let start = lowerBound(this.#sorted, [after, prefix].sort()[1] ?? prefix)
    if (this.#sorted[start] === after) start++
    const limit = Math.min(options.limit ?? 1000, 1000)
    const names: string[] = []
    for (let index = start; index < this.#sorted.length && names.length <= limit; index++) {
      const name = this.#sorted[index] as string
      if (!name.startsWith(prefix)) break
      names.push(name)
    }
    const complete = names.length <= limit
    const keys = names.slice(0, limit).map((name) => ({ name, metadata: this.#values.get(name)?.metadata }))
    return complete
      ? { keys, list_complete: true, cacheStatus: null }
      : { keys, list_complete: false, cursor: btoa(keys.at(-1)?.name ?? ''), cacheStatus: null }
  }

  #read(key: string, type: GetType): unknown {
    const value = this.#values.get(key)
    return value ? decode(value, type) : null
  }

  #readWithMetadata(key: string, type: GetType): { value: unknown; metadata: unknown } {
    const value = this.#values.get(key)
    return { value: value ? decode(value, type) : null, metadata: value?.metadata ?? null }
  }
}
